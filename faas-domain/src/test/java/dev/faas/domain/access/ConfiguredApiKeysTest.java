package dev.faas.domain.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.faas.ports.model.AccessRole;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfiguredApiKeysTest {

    private static final String ADMIN_KEY = "admin-key-0123456789abcdef";
    private static final String INVOKE_KEY = "invoke+key/0123456789==";

    @Test
    void givenCommaSeparatedPairs_parse_returnsEachKeyWithItsRoleAndPosition() {
        List<ConfiguredApiKey> keys = ConfiguredApiKeys.parse(" " + ADMIN_KEY + ":admin , " + INVOKE_KEY + ":INVOKE", null);

        assertThat(keys).containsExactly(
                new ConfiguredApiKey(ADMIN_KEY, AccessRole.ADMIN, "FAAS_API_KEYS entry 1"),
                new ConfiguredApiKey(INVOKE_KEY, AccessRole.INVOKE, "FAAS_API_KEYS entry 2"));
    }

    @Test
    void givenFileLinesWithCommentsAndBlankLines_parse_readsOnePairPerLine() {
        List<String> lines = List.of("# keys of the platform", "", ADMIN_KEY + ":admin   # operators", "   ",
                INVOKE_KEY + ":invoke");

        assertThat(ConfiguredApiKeys.parse(null, lines)).containsExactly(
                new ConfiguredApiKey(ADMIN_KEY, AccessRole.ADMIN, "FAAS_API_KEYS_FILE line 3"),
                new ConfiguredApiKey(INVOKE_KEY, AccessRole.INVOKE, "FAAS_API_KEYS_FILE line 5"));
    }

    @Test
    void givenNothingSet_parse_returnsNoKey() {
        assertThat(ConfiguredApiKeys.parse(null, null)).isEmpty();
        assertThat(ConfiguredApiKeys.parse("", List.of())).isEmpty();
    }

    @Test
    void givenEmptyEntries_parse_skipsThemButKeepsCountingPositions() {
        List<ConfiguredApiKey> keys = ConfiguredApiKeys.parse(ADMIN_KEY + ":admin,," + INVOKE_KEY + ":invoke,", null);

        assertThat(keys).extracting(ConfiguredApiKey::source)
                .containsExactly("FAAS_API_KEYS entry 1", "FAAS_API_KEYS entry 3");
    }

    @Test
    void givenEntryWithoutRole_parse_namesTheEntryButNotTheKey() {
        Throwable failure = catchThrowable(() -> ConfiguredApiKeys.parse(ADMIN_KEY + ":admin,secret-without-role-123", null));

        assertThat(failure).isInstanceOf(InvalidApiKeyConfigException.class)
                .hasMessageContaining("FAAS_API_KEYS entry 2")
                .hasMessageNotContaining("secret-without-role-123");
    }

    @Test
    void givenUnknownRole_parse_namesTheEntryAndTheRolesButNotTheKey() {
        Throwable failure = catchThrowable(() -> ConfiguredApiKeys.parse("secret-key-0123456789:root", null));

        assertThat(failure).isInstanceOf(InvalidApiKeyConfigException.class)
                .hasMessageContaining("FAAS_API_KEYS entry 1").hasMessageContaining("'admin' or 'invoke'")
                .hasMessageNotContaining("secret-key-0123456789");
    }

    @Test
    void givenKeyShorterThanSixteenCharacters_parse_refusesIt() {
        Throwable failure = catchThrowable(() -> ConfiguredApiKeys.parse(null, List.of("# one", "tooshort-secret:admin")));

        assertThat(failure).isInstanceOf(InvalidApiKeyConfigException.class)
                .hasMessageContaining("FAAS_API_KEYS_FILE line 2").hasMessageContaining("shorter than 16")
                .hasMessageNotContaining("tooshort-secret");
        assertThat(ConfiguredApiKeys.parse("exactly-16-chars:admin", null)).hasSize(1);
    }

    @Test
    void givenKeyWithCharactersAHeaderCannotCarry_parse_refusesIt() {
        Throwable failure = catchThrowable(() -> ConfiguredApiKeys.parse("secret key with spaces:admin", null));

        assertThat(failure).isInstanceOf(InvalidApiKeyConfigException.class)
                .hasMessageContaining("FAAS_API_KEYS entry 1").hasMessageNotContaining("secret key");
    }

    @Test
    void givenNoKeyBeforeTheColon_parse_refusesIt() {
        assertThat(catchThrowable(() -> ConfiguredApiKeys.parse(" :admin", null)))
                .isInstanceOf(InvalidApiKeyConfigException.class).hasMessageContaining("entry 1");
    }

    @Test
    void givenOverlongKey_parse_refusesIt() {
        assertThat(catchThrowable(() -> ConfiguredApiKeys.parse("a".repeat(257) + ":admin", null)))
                .isInstanceOf(InvalidApiKeyConfigException.class).hasMessageContaining("longer than 256")
                .hasMessageNotContaining("aaaa");
    }

    @Test
    void givenKeyRepeatedWithTheSameRole_parse_keepsItOnce() {
        List<ConfiguredApiKey> keys = ConfiguredApiKeys.parse(ADMIN_KEY + ":admin", List.of(ADMIN_KEY + ":admin"));

        assertThat(keys).containsExactly(new ConfiguredApiKey(ADMIN_KEY, AccessRole.ADMIN, "FAAS_API_KEYS entry 1"));
    }

    @Test
    void givenKeyRepeatedWithAnotherRole_parse_namesBothPlaces() {
        Throwable failure = catchThrowable(() -> ConfiguredApiKeys.parse(ADMIN_KEY + ":admin",
                List.of(INVOKE_KEY + ":invoke", ADMIN_KEY + ":invoke")));

        assertThat(failure).isInstanceOf(InvalidApiKeyConfigException.class)
                .hasMessageContaining("FAAS_API_KEYS_FILE line 2").hasMessageContaining("FAAS_API_KEYS entry 1")
                .hasMessageNotContaining(ADMIN_KEY);
    }

    @Test
    void configuredKey_toString_leavesTheKeyOut() {
        ConfiguredApiKey key = new ConfiguredApiKey(ADMIN_KEY, AccessRole.ADMIN, "FAAS_API_KEYS entry 1");

        assertThat(key.toString()).doesNotContain(ADMIN_KEY).contains("entry 1").contains("admin");
    }
}
