package dev.faas.domain.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.ports.error.EgressNotAllowedException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.VersionOptions;
import java.time.Clock;
import org.junit.jupiter.api.Test;

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

    private FunctionRegistry registry(EgressPolicy policy) {
        return new FunctionRegistry(repository, LimitsPolicy.defaults(), Clock.systemUTC(), null, id -> { }, policy);
    }

    private static RegisterFunctionCommand command(VersionOptions options) {
        return new RegisterFunctionCommand(FunctionName.of("fetch"), CODE, null, null, options);
    }
}
