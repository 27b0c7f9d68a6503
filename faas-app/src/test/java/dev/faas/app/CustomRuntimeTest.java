package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code FAAS_RUNTIMES_FILE}: one {@code NAME = RUNNER IMAGE} a line; a bad line stops start-up naming it. */
class CustomRuntimeTest {

    @TempDir
    Path directory;

    @Test
    void givenAFileOfRuntimes_config_readsEachWithItsRunnerAndImage() throws Exception {
        Path file = directory.resolve("runtimes.conf");
        Files.writeString(file, "# custom runtimes\n\npython3-numpy = python3 faas-python-numpy:latest\n"
                + "  node-tools=nodejs registry.example/faas/node-tools@sha256:abc  \n");

        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_RUNTIMES_FILE", file.toString()));

        assertThat(config.customRuntimes()).containsExactly(
                new CustomRuntime("python3-numpy", "python3", "faas-python-numpy:latest"),
                new CustomRuntime("node-tools", "nodejs", "registry.example/faas/node-tools@sha256:abc"));
        assertThat(config.customRuntimes().get(1).languageRuntime().language()).isEqualTo("javascript");
        assertThat(config.customRuntimes().get(0).languageRuntime().launcher()).isEqualTo("faas-python-numpy:latest");
        assertThat(FaasConfig.fromEnvironment(Map.of()).customRuntimes()).isEmpty();
    }

    @Test
    void givenABadLine_parse_failsNamingTheFileTheLineAndTheField() {
        assertRefused("ok = python3 img:1\nno equals sign here", "line 2: expected 'NAME = RUNNER IMAGE'");
        assertRefused("Numpy = python3 img:1", "line 1: the name 'Numpy' is not a runtime name");
        assertRefused("nodejs = python3 img:1", "line 1: the name 'nodejs' is a built-in runtime's");
        assertRefused("a = python3 img:1\n# c\na = nodejs img:2", "line 3: the name 'a' is given twice");
        assertRefused("a = ruby img:1", "line 1: the runner 'ruby' of 'a' is not one of python3, nodejs");
        assertRefused("a = python3", "line 1: the image of 'a' is missing");
        assertRefused("a = python3 img;rm", "line 1: the image of 'a' is not an image name");
        assertRefused("a = python3 img:1 extra", "line 1: unexpected 'extra' after the image of 'a'");
    }

    @Test
    void givenAFileThatCannotBeRead_config_failsNamingIt() {
        Path missing = directory.resolve("missing.conf");
        assertThatThrownBy(() -> FaasConfig.fromEnvironment(Map.of("FAAS_RUNTIMES_FILE", missing.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("FAAS_RUNTIMES_FILE=" + missing);
    }

    @Test
    void givenCustomRuntimesWithTheProcessRuntime_startUp_stopsSayingWhy() throws Exception {
        Path file = directory.resolve("runtimes.conf");
        Files.writeString(file, "extra = python3 img:1\n");
        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_RUNTIME", "process",
                "FAAS_RUNTIMES_FILE", file.toString(), "FAAS_DATA_DIR", directory.toString()));

        assertThatThrownBy(() -> RuntimeSelection.create(config)).isInstanceOf(StartupException.class)
                .hasMessageContaining("[extra]").hasMessageContaining("FAAS_RUNTIME=docker");
    }

    private static void assertRefused(String text, String message) {
        assertThatThrownBy(() -> CustomRuntime.parse("/etc/faas/runtimes.conf", List.of(text.split("\n", -1))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FAAS_RUNTIMES_FILE /etc/faas/runtimes.conf " + message);
    }
}
