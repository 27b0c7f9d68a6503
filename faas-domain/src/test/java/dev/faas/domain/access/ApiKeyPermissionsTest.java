package dev.faas.domain.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.faas.adapter.memory.InMemoryApiKeyRepository;
import dev.faas.ports.error.PermissionNotHeldException;
import dev.faas.ports.in.CreateApiKeyCommand;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyPermission;
import dev.faas.ports.model.AuthenticatedCaller;
import dev.faas.ports.model.CreatedApiKey;
import dev.faas.testkit.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Permissions on API keys: granted at creation only by the operator or a key that holds them, kept, and proven. */
class ApiKeyPermissionsTest {

    private static final String CONFIGURED_KEY = "configured-egress-key-0001";

    private final InMemoryApiKeyRepository repository = new InMemoryApiKeyRepository();
    private final ApiKeyService service = new ApiKeyService(repository, MutableClock.atEpoch(), new SecureRandom(),
            Duration.ofSeconds(1), Runnable::run);

    @Test
    void givenOperatorGrantsEgress_create_storesIt_andAuthenticateProvesIt() {
        CreatedApiKey created = service.create(new CreateApiKeyCommand(AccessRole.ADMIN, "fetchers",
                Set.of(ApiKeyPermission.EGRESS), null));

        assertThat(created.record().permissions()).containsExactly(ApiKeyPermission.EGRESS);
        assertThat(service.find(created.record().id()).holds(ApiKeyPermission.EGRESS)).isTrue();
        assertThat(service.authenticate(created.key())).hasValueSatisfying(
                caller -> assertThat(caller.holds(ApiKeyPermission.EGRESS)).isTrue());
    }

    @Test
    void givenNoPermissionAsked_create_givesAKeyThatHoldsNone_adminIncluded() {
        CreatedApiKey admin = service.create(new CreateApiKeyCommand(AccessRole.ADMIN, "admin"));

        assertThat(admin.record().permissions()).isEmpty();
        assertThat(service.authenticate(admin.key())).hasValueSatisfying(
                caller -> assertThat(caller.holds(ApiKeyPermission.EGRESS)).isFalse());
    }

    @Test
    void givenKeyWithoutEgress_createWithEgress_isRefused_andStoresNothing() {
        AuthenticatedCaller adminWithout = caller(service.create(new CreateApiKeyCommand(AccessRole.ADMIN, "")));

        assertThatThrownBy(() -> service.create(new CreateApiKeyCommand(AccessRole.ADMIN, "escalation",
                Set.of(ApiKeyPermission.EGRESS), adminWithout)))
                .isInstanceOfSatisfying(PermissionNotHeldException.class,
                        failure -> assertThat(failure.permission()).isEqualTo(ApiKeyPermission.EGRESS))
                .hasMessageContaining("'egress'");
        assertThat(service.list()).hasSize(1);
    }

    @Test
    void givenKeyWithEgress_createWithEgress_handsItOn_andWithoutAsking_createsAKeyWithout() {
        AuthenticatedCaller holder = caller(service.create(new CreateApiKeyCommand(AccessRole.ADMIN, "",
                Set.of(ApiKeyPermission.EGRESS), null)));

        CreatedApiKey handedOn = service.create(new CreateApiKeyCommand(AccessRole.INVOKE, "",
                Set.of(ApiKeyPermission.EGRESS), holder));
        CreatedApiKey plain = service.create(new CreateApiKeyCommand(AccessRole.ADMIN, "", Set.of(), holder));

        assertThat(handedOn.record().holds(ApiKeyPermission.EGRESS)).isTrue();
        assertThat(plain.record().holds(ApiKeyPermission.EGRESS)).isFalse();
    }

    @Test
    void givenRevokedKeyWithEgress_authenticate_refusesIt_andTheRecordKeepsThePermission() {
        CreatedApiKey created = service.create(new CreateApiKeyCommand(AccessRole.ADMIN, "",
                Set.of(ApiKeyPermission.EGRESS), null));

        service.revoke(created.record().id());

        assertThat(service.authenticate(created.key())).isEmpty();
        assertThat(service.find(created.record().id()).permissions()).containsExactly(ApiKeyPermission.EGRESS);
    }

    // --- configured keys -----------------------------------------------------------------------------------------

    @Test
    void givenRoleWithAPermission_parse_grantsIt() {
        List<ConfiguredApiKey> keys = ConfiguredApiKeys.parse(CONFIGURED_KEY + ":admin+egress,"
                + "configured-plain-key-0001:admin", List.of("configured-invoke-key-0001:invoke+egress"));

        assertThat(keys).extracting(ConfiguredApiKey::permissions).containsExactly(Set.of(ApiKeyPermission.EGRESS),
                Set.of(), Set.of(ApiKeyPermission.EGRESS));
        assertThat(keys.get(0).role()).isEqualTo(AccessRole.ADMIN);
        assertThat(keys.get(2).role()).isEqualTo(AccessRole.INVOKE);
    }

    @Test
    void givenUnknownOrEmptyPermission_parse_namesTheEntryButNotTheKey() {
        for (String entry : List.of(CONFIGURED_KEY + ":admin+root", CONFIGURED_KEY + ":admin+",
                CONFIGURED_KEY + ":admin+EGRESS", CONFIGURED_KEY + ":+egress")) {
            Throwable failure = catchThrowable(() -> ConfiguredApiKeys.parse(entry, null));
            assertThat(failure).as(entry).isInstanceOf(InvalidApiKeyConfigException.class)
                    .hasMessageContaining("FAAS_API_KEYS entry 1");
            assertThat(failure.getMessage()).as(entry).doesNotContain(CONFIGURED_KEY);
        }
    }

    @Test
    void givenKeyRepeatedWithOtherPermissions_parse_isRefused() {
        assertThat(catchThrowable(() -> ConfiguredApiKeys.parse(CONFIGURED_KEY + ":admin",
                List.of(CONFIGURED_KEY + ":admin+egress"))))
                .isInstanceOf(InvalidApiKeyConfigException.class).hasMessageContaining("other permissions");
    }

    @Test
    void givenConfiguredKeyWithEgress_bootstrap_storesIt_andAConfigurationChangeLaterKeepsTheStoredOne() {
        service.bootstrap(ConfiguredApiKeys.parse(CONFIGURED_KEY + ":admin+egress", null));

        assertThat(service.authenticate(CONFIGURED_KEY)).hasValueSatisfying(
                caller -> assertThat(caller.holds(ApiKeyPermission.EGRESS)).isTrue());
        assertThat(service.bootstrap(ConfiguredApiKeys.parse(CONFIGURED_KEY + ":admin", null))).isZero();
        assertThat(service.list()).singleElement()
                .satisfies(record -> assertThat(record.holds(ApiKeyPermission.EGRESS)).isTrue());
    }

    @Test
    void configuredKey_toString_namesItsPermissionsButNotTheKey() {
        ConfiguredApiKey key = ConfiguredApiKeys.parse(CONFIGURED_KEY + ":admin+egress", null).get(0);

        assertThat(key.toString()).contains("egress").doesNotContain(CONFIGURED_KEY);
    }

    private AuthenticatedCaller caller(CreatedApiKey created) {
        return service.authenticate(created.key()).orElseThrow();
    }
}
