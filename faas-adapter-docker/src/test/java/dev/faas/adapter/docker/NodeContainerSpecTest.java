package dev.faas.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.model.FunctionId;
import dev.faas.ports.out.InstanceSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The container of a nodejs instance: Python's sandbox, the seccomp entry point executing node on its runner. */
class NodeContainerSpecTest {

    private final DockerRuntimeSettings settings = DockerRuntimeSettings.defaults("node", Path.of("/run/faas-test"))
            .withNodeImage("faas-nodejs:test");
    private final ContainerSpecFactory factory = new ContainerSpecFactory(settings);

    @Test
    void nodeInstance_runsNodeBehindTheSeccompEntryPoint_withItsHeapUpToTheContainersMemory() {
        ContainerSpec node = factory.create("node-1-1-abcdef", new InstanceSpec(FunctionId.parse("js-1"), 128,
                "nodejs"), Path.of("/run/faas-test/node-1-1-abcdef"));
        ContainerSpec python = factory.create("node-1-2-abcdef", new InstanceSpec(FunctionId.parse("py-1"), 128),
                Path.of("/run/faas-test/node-1-1-abcdef"));

        assertThat(node.entrypoint()).startsWith("python3", "-I", "-B", "-u", "-c");
        assertThat(node.entrypoint()).endsWith("--exec", "node", "--max-old-space-size=128", "/opt/faas/faas_runner.js");
        assertThat(python.entrypoint()).endsWith("/opt/faas/faas_runner.py");
        // The same connection, log limit and secrets directory (a tmpfs of the container's own).
        assertThat(node.command()).isEqualTo(python.command());
        assertThat(node.command()).endsWith("--secrets-dir", ContainerSpecFactory.SECRETS_DIRECTORY);
        assertThat(node.hostConfig().getNetworkMode()).isEqualTo("none");
        assertThat(node.hostConfig().getReadonlyRootfs()).isTrue();
        assertThat(node.hostConfig().getMemory()).isEqualTo(python.hostConfig().getMemory());
        assertThat(node.hostConfig().getPidsLimit()).isEqualTo(python.hostConfig().getPidsLimit());
        assertThat(node.hostConfig().getCapDrop()).isEqualTo(python.hostConfig().getCapDrop());
        assertThat(node.hostConfig().getSecurityOpts()).isEqualTo(python.hostConfig().getSecurityOpts());
        assertThat(node.hostConfig().getTmpFs()).isEqualTo(python.hostConfig().getTmpFs());
        assertThat(node.hostConfig().getUlimits()).isEqualTo(python.hostConfig().getUlimits());
        assertThat(node.user()).isEqualTo(python.user());
        assertThat(node.environment()).isEqualTo(python.environment());
    }

    @Test
    void imageOf_eachRuntime_andNoneForAnUnknownOne() {
        assertThat(settings.imageOf("python3")).isEqualTo(DockerRuntimeSettings.DEFAULT_IMAGE);
        assertThat(settings.imageOf("nodejs")).isEqualTo("faas-nodejs:test");
        assertThat(settings.imageOf("ruby")).isNull();
        assertThat(settings.withNodeImage(null).imageOf("nodejs")).isNull();
    }

    @Test
    void customRuntime_runsInItsOwnImage_behindItsRunnersEntryPoint() {
        DockerRuntimeSettings custom = settings.withCustomRuntimes(java.util.List.of(
                new dev.faas.ports.model.LanguageRuntime("node-tools", "javascript", "faas-node-tools:1", null),
                new dev.faas.ports.model.LanguageRuntime("python3-numpy", "python", "faas-python-numpy:1", null)));
        ContainerSpecFactory customs = new ContainerSpecFactory(custom);

        ContainerSpec node = customs.create("node-1-3-abcdef", new InstanceSpec(FunctionId.parse("js-1"), 128,
                "node-tools"), Path.of("/run/faas-test/node-1-3-abcdef"));
        ContainerSpec python = customs.create("node-1-4-abcdef", new InstanceSpec(FunctionId.parse("py-1"), 128,
                "python3-numpy"), Path.of("/run/faas-test/node-1-4-abcdef"));

        assertThat(node.entrypoint()).endsWith("--exec", "node", "--max-old-space-size=128", "/opt/faas/faas_runner.js");
        assertThat(python.entrypoint()).endsWith("/opt/faas/faas_runner.py");
        assertThat(custom.imageOf("node-tools")).isEqualTo("faas-node-tools:1");
        assertThat(custom.imageOf("python3-numpy")).isEqualTo("faas-python-numpy:1");
        assertThat(custom.languageOf("python3-numpy")).isEqualTo("python");
        assertThat(custom.languageOf("ruby")).isNull();
        assertThatThrownBy(() -> settings.withCustomRuntimes(java.util.List.of(
                new dev.faas.ports.model.LanguageRuntime("r", "ruby", "img", null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ruby");
    }
}
