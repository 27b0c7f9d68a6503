package dev.faas.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.VersionOptions;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.testkit.DockerAvailability;
import dev.faas.testkit.RequiresDocker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A missing function image built at start from the Dockerfile bundled in the jar, through the engine's build API. */
@Tag("docker")
@RequiresDocker
class FunctionImageBuilderTest {

    @RegisterExtension
    static final DockerTestEnvironment ENGINE = DockerTestEnvironment.forNode("timg-");
    private static final DockerClient docker = ENGINE.client();

    private final String tag = "faas-nodejs:autobuild-" + Integer.toHexString(ThreadLocalRandom.current()
            .nextInt(1 << 24));

    @TempDir
    Path socketRoot;

    @AfterEach
    void removeTheImageThisTestBuilt() {
        try {
            docker.removeImageCmd(tag).withForce(true).exec();
        } catch (NotFoundException notBuilt) {
            // nothing to remove
        }
    }

    @Test
    void givenTheOfflineBase_aMissingNodeImage_isBuiltFromTheBundledDockerfile_andRunsNodeFunctions() {
        DockerAvailability.requireNodeImage();
        assertThat(DockerFunctionRuntime.imageAvailable(docker, FunctionImageBuilder.NODEJS.offlineBase()))
                .as("nodejs-base/build-image.sh made the offline base").isTrue();

        new FunctionImageBuilder(docker).ensure(FunctionImageBuilder.NODEJS, tag);

        assertThat(docker.inspectImageCmd(tag).exec().getConfig().getLabels()).containsEntry("faas.image", "function");
        try (FunctionRuntime runtime = new DockerFunctionRuntime(docker, DockerRuntimeSettings.defaults(
                ENGINE.nodeId(), socketRoot).withImage(DockerTestEnvironment.image()).withNodeImage(tag))) {
            Instance instance = runtime.start(new InstanceSpec(FunctionId.parse("built-1"), 256, "nodejs"));
            runtime.init(instance, new FunctionDefinition(FunctionId.parse("built-1"),
                    "exports.user_function = ({name}) => `Hello, ${name}!`;", "user_function",
                    new FunctionLimits(Duration.ofSeconds(20), 256, 1), Instant.now(), "0".repeat(64),
                    VersionOptions.DEFAULT.withRuntime("nodejs")));
            assertThat(runtime.run(instance, "{\"name\":\"World\"}", Duration.ofSeconds(20)).resultJson())
                    .isEqualTo("\"Hello, World!\"");
        }
    }

    @Test
    void withoutAnyBase_theFailureNamesTheOfflineCommand() {
        FunctionImageBuilder.Recipe noBase = new FunctionImageBuilder.Recipe("nodejs",
                FunctionImageBuilder.NODEJS.files(), "faas-base-nodejs:absent-" + tag.substring(tag.indexOf('-') + 1),
                null, "nodejs-base/build-image.sh");

        assertThatThrownBy(() -> new FunctionImageBuilder(docker).ensure(noBase, tag))
                .isInstanceOf(FunctionImageBuilder.ImageBuildException.class)
                .hasMessageContaining("nodejs-base/build-image.sh");
        assertThat(DockerFunctionRuntime.imageAvailable(docker, tag)).isFalse();
    }

    @Test
    void anExistingImage_isLeftAsItIs() {
        String existing = DockerTestEnvironment.image();
        String before = docker.inspectImageCmd(existing).exec().getId();

        new FunctionImageBuilder(docker).ensure(FunctionImageBuilder.PYTHON, existing);

        assertThat(docker.inspectImageCmd(existing).exec().getId()).isEqualTo(before);
    }
}
