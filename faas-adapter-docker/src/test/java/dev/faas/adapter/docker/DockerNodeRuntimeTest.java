package dev.faas.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.faas.ports.model.LanguageRuntime;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import dev.faas.testkit.DockerAvailability;
import dev.faas.testkit.NodeRuntimeContract;
import dev.faas.testkit.RequiresDocker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Node.js runner in hardened containers of the nodejs function image ({@code FAAS_IMAGE_NODEJS}). */
@Tag("docker")
@RequiresDocker(nodeImage = true)
class DockerNodeRuntimeTest extends NodeRuntimeContract {

    @RegisterExtension
    static final DockerTestEnvironment ENGINE = DockerTestEnvironment.forNode("tnode-");
    private static final DockerClient docker = ENGINE.client();

    @TempDir
    Path socketRoot;

    @Override
    protected FunctionRuntime createRuntime() {
        return new DockerFunctionRuntime(docker,
                ENGINE.settings(socketRoot).withNodeImage(DockerAvailability.nodeFunctionImage()));
    }

    @Test
    void languageRuntimes_nameEachImage_andNodesVersionFromItsLabel() {
        assertThat(runtime.languageRuntimes()).extracting(LanguageRuntime::name).containsExactly("python3", "nodejs");
        assertThat(runtime.languageRuntimes().get(1).launcher()).isEqualTo(DockerAvailability.nodeFunctionImage());
        assertThat(runtime.languageRuntimes().get(1).version()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void givenNodeInstance_itsContainer_isTheNodeImage_hardenedAsPythons_withTheSeccompFilterInPlace() {
        Instance instance = started("""
                const fs = require('fs');
                exports.user_function = () => ({
                  uid: process.getuid(),
                  seccomp: fs.readFileSync('/proc/self/status', 'utf8').match(/^Seccomp_filters:\\s*(\\d+)/m)[1],
                  env: Object.keys(process.env).sort(),
                });
                """, "user_function");

        Map<String, String> labels = Map.of(DockerFunctionRuntime.LABEL_NODE, ENGINE.nodeId(),
                DockerFunctionRuntime.LABEL_INSTANCE, instance.id());
        String containerId = DockerTestEnvironment.containersLabelled(docker, labels).get(0).getId();
        InspectContainerResponse inspected = docker.inspectContainerCmd(containerId).exec();
        String result = runtime.run(instance, "{}", java.time.Duration.ofSeconds(10)).resultJson();

        assertThat(inspected.getConfig().getImage()).isEqualTo(DockerAvailability.nodeFunctionImage());
        assertThat(inspected.getHostConfig().getNetworkMode()).isEqualTo("none");
        assertThat(inspected.getHostConfig().getReadonlyRootfs()).isTrue();
        assertThat(inspected.getHostConfig().getPidsLimit()).isEqualTo(64L);
        assertThat(inspected.getHostConfig().getSecurityOpts()).contains("no-new-privileges");
        assertThat(inspected.getConfig().getUser()).isEqualTo("10001:10001");
        // The engine's default profile is one filter; the entry point's stacks a second, which survives the exec.
        assertThat(result).contains("\"uid\":10001").contains("\"seccomp\":\"2\"");
        assertThat(result).doesNotContain("FAAS_");
        assertThat(List.of(inspected.getPath())).containsExactly("python3");
    }
}
