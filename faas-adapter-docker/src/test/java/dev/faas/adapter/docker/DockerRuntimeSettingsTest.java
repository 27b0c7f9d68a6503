package dev.faas.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.python.RunnerListener;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DockerRuntimeSettingsTest {

    @Test
    void defaults_areTheDesignsSandboxDefaults() {
        DockerRuntimeSettings settings = DockerRuntimeSettings.defaults("node-1", Path.of("/run/faas-sockets"));

        assertThat(settings.image()).isEqualTo("faas-python:latest");
        assertThat(settings.startTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.pidsLimit()).isEqualTo(64);
        assertThat(settings.tmpfsBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(settings.cpus()).isEqualTo(1.0);
        assertThat(settings.nofile()).isEqualTo(1024);
        assertThat(settings.user()).isEqualTo("10001:10001");
        assertThat(settings.logLimitBytes()).isEqualTo(64 * 1024);
        assertThat(settings.withImage("other:1").image()).isEqualTo("other:1");
    }

    @Test
    void runnerUid_isTheNumericUidOfTheUser_orAnyUserForANamedOne() {
        DockerRuntimeSettings defaults = DockerRuntimeSettings.defaults("node-1", Path.of("/run/faas-sockets"));

        assertThat(defaults.runnerUid()).isEqualTo(10001);
        assertThat(withUser(defaults, "2000").runnerUid()).isEqualTo(2000);
        assertThat(withUser(defaults, "nobody").runnerUid()).isEqualTo(RunnerListener.ANY_USER);
        assertThat(withUser(defaults, "nobody:nogroup").runnerUid()).isEqualTo(RunnerListener.ANY_USER);
    }

    @Test
    void givenSocketRootTooLongForAUnixSocket_construction_saysSo() {
        Path deep = Path.of("/" + "d".repeat(80));

        assertThatThrownBy(() -> DockerRuntimeSettings.defaults("node-1", deep))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too long")
                .hasMessageContaining("107");
    }

    @Test
    void givenRelativeSocketRoot_construction_asksForAnAbsoluteHostPath() {
        assertThatThrownBy(() -> DockerRuntimeSettings.defaults("node-1", Path.of("sockets")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute");
    }

    @Test
    void givenNodeIdUnfitForContainerNames_construction_rejectsIt() {
        assertThatThrownBy(() -> DockerRuntimeSettings.defaults("-node", Path.of("/tmp/s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node id");
        assertThatThrownBy(() -> DockerRuntimeSettings.defaults("node/1", Path.of("/tmp/s")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static DockerRuntimeSettings withUser(DockerRuntimeSettings base, String user) {
        return new DockerRuntimeSettings(base.image(), base.nodeId(), base.socketRoot(), base.startTimeout(),
                base.pidsLimit(), base.tmpfsBytes(), base.cpus(), base.nofile(), user, base.logLimitBytes());
    }
}
