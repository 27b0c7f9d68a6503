package dev.faas.domain.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.RequestedLimits;
import dev.faas.ports.model.VersionOptions;
import dev.faas.testkit.MutableClock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Node.js runner takes neither environment nor secrets in its init frame, nor archives or dependency layers: a
 * nodejs version asking for one is refused with the field named, never stored to run without it.
 */
class RuntimeOptionsTest {

    private static final String JS = "module.exports.user_function = () => 1;\n";

    private final InMemoryFunctionRepository repository = new InMemoryFunctionRepository();
    private final FunctionRegistry registry = new FunctionRegistry(repository, LimitsPolicy.defaults(),
            MutableClock.atEpoch(), null, id -> { }, Set.of("python3", "nodejs"));

    @Test
    void givenNodejsVersionWithEnvSecretsOrRequirements_register_isRefusedNamingTheField() {
        VersionOptions node = VersionOptions.DEFAULT.withRuntime("nodejs");

        assertRefused(node.withEnv(Map.of("GREETING", "hi")), "env");
        assertRefused(node.withSecrets(List.of("token")), "secrets");
        assertRefused(node.withRequirements("left-pad==1.0\n"), "requirements");
        assertThat(repository.findLatest(FunctionName.of("js"))).isEmpty();
    }

    @Test
    void givenNodejsVersionWithoutThem_register_storesIt() {
        assertThat(registry.register(new RegisterFunctionCommand(FunctionName.of("js"), JS, null,
                RequestedLimits.DEFAULTS, VersionOptions.DEFAULT.withRuntime("nodejs"))).options().runtime())
                .isEqualTo("nodejs");
    }

    private void assertRefused(VersionOptions options, String field) {
        assertThatThrownBy(() -> registry.register(new RegisterFunctionCommand(FunctionName.of("js"), JS, null,
                RequestedLimits.DEFAULTS, options)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining("python3 runtime only");
    }
}
