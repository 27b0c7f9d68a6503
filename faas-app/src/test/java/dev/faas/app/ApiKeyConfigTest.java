package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.domain.access.ConfiguredApiKey;
import dev.faas.ports.model.AccessRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API key settings of {@link FaasConfig}: FAAS_API_KEYS, FAAS_API_KEYS_FILE, FAAS_ALLOW_UNAUTHENTICATED. */
class ApiKeyConfigTest {

    private static final String ADMIN_KEY = "config-admin-key-0123456789";
    private static final String INVOKE_KEY = "config-invoke-key-0123456789";

    @TempDir
    Path directory;

    @Test
    void givenNoKeySettings_defaults_haveNoKeyAndNoOptIn() {
        FaasConfig config = FaasConfig.defaults();

        assertThat(config.apiKeys()).isEmpty();
        assertThat(config.allowUnauthenticated()).isFalse();
        assertThat(config.bind()).isEqualTo("127.0.0.1");
    }

    @Test
    void givenKeysInTheVariableAndAFile_fromEnvironment_readsBoth() throws Exception {
        Path file = directory.resolve("keys");
        Files.writeString(file, "# CI\n" + INVOKE_KEY + ":invoke\n");

        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_API_KEYS", ADMIN_KEY + ":admin",
                "FAAS_API_KEYS_FILE", file.toString()));

        assertThat(config.apiKeys()).containsExactly(
                new ConfiguredApiKey(ADMIN_KEY, AccessRole.ADMIN, "FAAS_API_KEYS entry 1"),
                new ConfiguredApiKey(INVOKE_KEY, AccessRole.INVOKE, "FAAS_API_KEYS_FILE line 2"));
        assertThat(config.toString()).doesNotContain(ADMIN_KEY).doesNotContain(INVOKE_KEY).contains("apiKeys=2");
    }

    @Test
    void givenMalformedEntry_fromEnvironment_namesItsPositionButNotTheKey() {
        assertThatThrownBy(() -> FaasConfig.fromEnvironment(Map.of("FAAS_API_KEYS", ADMIN_KEY + ":root")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FAAS_API_KEYS entry 1")
                .hasMessageNotContaining(ADMIN_KEY);
    }

    @Test
    void givenMissingKeyFile_fromEnvironment_namesTheVariableAndThePath() {
        Path missing = directory.resolve("no-such-file");

        assertThatThrownBy(() -> FaasConfig.fromEnvironment(Map.of("FAAS_API_KEYS_FILE", missing.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FAAS_API_KEYS_FILE")
                .hasMessageContaining(missing.toString());
    }

    @Test
    void givenOptIn_fromEnvironment_readsItStrictly() {
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_ALLOW_UNAUTHENTICATED", "TRUE")).allowUnauthenticated())
                .isTrue();
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_ALLOW_UNAUTHENTICATED", "false")).allowUnauthenticated())
                .isFalse();
        assertThatThrownBy(() -> FaasConfig.fromEnvironment(Map.of("FAAS_ALLOW_UNAUTHENTICATED", "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("FAAS_ALLOW_UNAUTHENTICATED");
    }
}
