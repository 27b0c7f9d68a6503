package dev.faas.domain.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.ports.error.EgressNotAllowedException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.ApiKeyPermission;
import dev.faas.ports.model.AuthenticatedCaller;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.VersionOptions;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A version's network mode: none or egress, and egress only with the operator's consent. */
class EgressPolicyTest {

    private static final String CODE = "def user_function():\n    return 1\n";
    private static final VersionOptions EGRESS = VersionOptions.DEFAULT.withNetwork(VersionOptions.NETWORK_EGRESS);

    private final InMemoryFunctionRepository repository = new InMemoryFunctionRepository();

    @Test
    void withoutConsent_anEgressVersion_isRefused_sayingHowToAllowIt_andNothingIsStored() {
        FunctionRegistry registry = registry(EgressPolicy.DENIED);

        assertThatThrownBy(() -> registry.register(command(EGRESS)))
                .isInstanceOf(EgressNotAllowedException.class)
                .hasMessageContaining("FAAS_EGRESS=on");
        assertThat(repository.findLatest(FunctionName.of("fetch"))).isEmpty();
    }

    @Test
    void withConsent_anEgressVersion_isStoredWithItsNetworkMode() {
        FunctionDefinition stored = registry(new EgressPolicy(true)).register(command(EGRESS));

        assertThat(repository.find(stored.id()).orElseThrow().options().network())
                .isEqualTo(VersionOptions.NETWORK_EGRESS);
    }

    @Test
    void withoutConsent_aVersionWithoutNetwork_isStoredAsBefore() {
        FunctionDefinition stored = registry(EgressPolicy.DENIED).register(command(VersionOptions.DEFAULT));

        assertThat(stored.options().network()).isEqualTo(VersionOptions.NETWORK_NONE);
    }

    @Test
    void anUnknownNetworkMode_isAnInvalidRequestNamingTheField() {
        assertThatThrownBy(() -> command(VersionOptions.DEFAULT.withNetwork("host")))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        failure -> assertThat(failure.field()).isEqualTo("network"))
                .hasMessageContaining("'none' or 'egress'");
    }

    /**
     * Who may register an egress version, mode by mode: the operator (no caller: the embedding program, a server
     * without keys), an admin key with the egress permission, an admin key without it, an invoke key with it (which
     * HTTP would stop earlier, for want of the admin role; the policy alone looks at the permission).
     */
    @ParameterizedTest(name = "{0} / {1}: {2}")
    @CsvSource({
        "OFF,  operator,      refused",
        "OFF,  admin+egress,  refused",
        "OFF,  admin,         refused",
        "ON,   operator,      stored",
        "ON,   admin+egress,  stored",
        "ON,   admin,         stored",
        "KEYS, operator,      stored",
        "KEYS, admin+egress,  stored",
        "KEYS, admin,         refused",
        "KEYS, invoke+egress, stored",
        "KEYS, invoke,        refused",
    })
    void egressVersion_isStoredOrRefused_byModeAndCaller(EgressPolicy.Mode mode, String who, String outcome) {
        FunctionRegistry registry = registry(new EgressPolicy(mode));
        RegisterFunctionCommand command = command(EGRESS).withCaller(caller(who));

        if (outcome.equals("stored")) {
            assertThat(registry.register(command).options().egress()).isTrue();
        } else {
            assertThatThrownBy(() -> registry.register(command)).isInstanceOf(EgressNotAllowedException.class)
                    .hasMessageContaining(mode == EgressPolicy.Mode.KEYS ? "permission 'egress'" : "FAAS_EGRESS=on");
            assertThat(repository.findLatest(FunctionName.of("fetch"))).isEmpty();
        }
    }

    @ParameterizedTest
    @CsvSource({"OFF, operator", "ON, admin", "KEYS, admin", "KEYS, invoke", "KEYS, operator"})
    void aVersionWithoutNetwork_isStored_inEveryModeForEveryCaller(EgressPolicy.Mode mode, String who) {
        FunctionDefinition stored = registry(new EgressPolicy(mode))
                .register(command(VersionOptions.DEFAULT).withCaller(caller(who)));

        assertThat(stored.options().network()).isEqualTo(VersionOptions.NETWORK_NONE);
    }

    @Test
    void underKeys_theRefusal_namesTheKeyAndSaysHowToGetEgress() {
        FunctionRegistry registry = registry(new EgressPolicy(EgressPolicy.Mode.KEYS));

        assertThatThrownBy(() -> registry.register(command(EGRESS).withCaller(caller("admin"))))
                .isInstanceOf(EgressNotAllowedException.class)
                .hasMessageContaining("key_admin")
                .hasMessageContaining("\"permissions\": [\"egress\"]")
                .hasMessageContaining("FAAS_EGRESS=on");
    }

    @Test
    void theOnOffConstructor_keepsItsMeaning() {
        assertThat(new EgressPolicy(true).mode()).isEqualTo(EgressPolicy.Mode.ON);
        assertThat(new EgressPolicy(false)).isEqualTo(EgressPolicy.DENIED);
        assertThat(new EgressPolicy(EgressPolicy.Mode.KEYS).allowed()).isTrue();
        assertThat(EgressPolicy.DENIED.allowed()).isFalse();
    }

    private static AuthenticatedCaller caller(String who) {
        if (who.equals("operator")) {
            return null;
        }
        String[] roleAndPermission = who.split("\\+");
        return new AuthenticatedCaller(ApiKeyId.of("key_" + roleAndPermission[0]),
                AccessRole.parse(roleAndPermission[0]),
                roleAndPermission.length > 1 ? Set.of(ApiKeyPermission.EGRESS) : Set.of());
    }

    private FunctionRegistry registry(EgressPolicy policy) {
        return new FunctionRegistry(repository, LimitsPolicy.defaults(), Clock.systemUTC(), null, id -> { }, policy);
    }

    private static RegisterFunctionCommand command(VersionOptions options) {
        return new RegisterFunctionCommand(FunctionName.of("fetch"), CODE, null, null, options);
    }
}
