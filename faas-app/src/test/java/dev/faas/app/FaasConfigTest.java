package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaasConfigTest {

    @Test
    void givenNoVariables_defaults_matchTheReadme() {
        FaasConfig config = FaasConfig.defaults();

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.runtime()).as("null: docker when an engine answers").isNull();
        assertThat(config.prewarm()).isEqualTo(2);
        assertThat(config.maxInstances()).isEqualTo(64);
        assertThat(config.image()).isEqualTo("faas-python:latest");
        assertThat(config.socketDir()).isEqualTo(Path.of("./data/sockets"));
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.dbUrl()).isNull();
        assertThat(config.cleanupInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.deleteAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.drainTime()).isEqualTo(Duration.ZERO);
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_DRAIN_TIME", "3s")).drainTime())
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void givenSeedDurations_fromEnvironment_parsesEveryUnit() {
        assertThat(DurationParser.parse("X", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationParser.parse("X", "1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(DurationParser.parse("X", "2h")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationParser.parse("X", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(FaasConfig.fromEnvironment(Map.of("DELETE_AFTER", "2s", "CLEANUP_INTERVAL", "1s")).deleteAfter())
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void givenMalformedValues_fromEnvironment_namesTheVariableAndTheExpectedForm() {
        assertThatThrownBy(() -> FaasConfig.fromEnvironment(Map.of("DELETE_AFTER", "5 minutes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("DELETE_AFTER").hasMessageContaining("30s");
        assertThatThrownBy(() -> FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "http")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("FAAS_PORT");
        assertThatThrownBy(() -> FaasConfig.fromEnvironment(Map.of("FAAS_RUNTIME", "lambda")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("FAAS_RUNTIME");
    }

    @Test
    void givenNodeMemory_fromEnvironment_defaultsToAShareOfTheHostAndRefusesLessThanTheDefaultFunctionMemory() {
        assertThat(FaasConfig.defaults().nodeMemoryMb())
                .isEqualTo(Math.max(256, dev.faas.platform.HostMemory.defaultBudgetMb()));
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_NODE_MEMORY_MB", "1024")).nodeMemoryMb()).isEqualTo(1024);
        assertThatThrownBy(() -> FaasConfig.fromEnvironment(Map.of("FAAS_NODE_MEMORY_MB", "128")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("FAAS_NODE_MEMORY_MB")
                .hasMessageContaining("from 256");
    }

    @Test
    void toString_neverShowsThePassword() {
        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_DB_PASSWORD", "s3cret"));

        assertThat(config.toString()).doesNotContain("s3cret");
    }

    @Test
    void givenAPasswordFile_fromEnvironment_readsItWithoutTheTrailingLineBreak(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("db_password"), "s3cret with spaces \n");

        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_DB_PASSWORD_FILE", secret.toString()));

        assertThat(config.dbPassword()).isEqualTo("s3cret with spaces ");
    }

    @Test
    void givenAPasswordFileProblem_fromEnvironment_namesTheVariableNeverTheContent(@TempDir Path dir)
            throws Exception {
        Path secret = Files.writeString(dir.resolve("db_password"), "s3cret");

        assertThatThrownBy(() -> FaasConfig.fromEnvironment(
                Map.of("FAAS_DB_PASSWORD_FILE", dir.resolve("missing").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("FAAS_DB_PASSWORD_FILE")
                .hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> FaasConfig.fromEnvironment(
                Map.of("FAAS_DB_PASSWORD_FILE", secret.toString(), "FAAS_DB_PASSWORD", "other")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("both set")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret").doesNotContain("other"));
    }
}
