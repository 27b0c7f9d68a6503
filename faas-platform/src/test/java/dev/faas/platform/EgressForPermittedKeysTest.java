package dev.faas.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.EgressNotAllowedException;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.ApiKeyPermission;
import dev.faas.ports.model.AuthenticatedCaller;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.VersionOptions;
import dev.faas.testkit.FakeFunctionRuntime;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code builder().egressForPermittedKeys()}: the embedding program is the operator, so its own registrations get
 * egress; a registration carrying an API key's caller gets it only when the key holds the egress permission.
 */
class EgressForPermittedKeysTest {

    private static final String CODE = "def user_function():\n    return 1\n";
    private static final VersionOptions EGRESS = VersionOptions.DEFAULT.withNetwork(VersionOptions.NETWORK_EGRESS);

    @Test
    void theEmbeddingProgram_registersEgress_andKeysNeedThePermission() {
        try (FaasPlatform faas = FaasPlatform.builder().runtime(new FakeFunctionRuntime()).prewarm(0).checkCode(false)
                .egressForPermittedKeys().build()) {
            FunctionId own = faas.register("fetch", CODE, null, null, EGRESS);
            RegisterFunctionCommand byKey = new RegisterFunctionCommand(FunctionName.of("fetch"), CODE, null, null,
                    EGRESS);

            assertThat(faas.registerUseCase().register(byKey.withCaller(new AuthenticatedCaller(
                    ApiKeyId.of("key_holder"), AccessRole.ADMIN, Set.of(ApiKeyPermission.EGRESS)))).id().version())
                    .isEqualTo(2);
            assertThatThrownBy(() -> faas.registerUseCase().register(byKey.withCaller(new AuthenticatedCaller(
                    ApiKeyId.of("key_plain"), AccessRole.ADMIN))))
                    .isInstanceOf(EgressNotAllowedException.class).hasMessageContaining("key_plain");
            assertThat(own.version()).isEqualTo(1);
        }
    }

    @Test
    void egressFalse_stillRefusesTheEmbeddingProgram_asBefore() {
        try (FaasPlatform faas = FaasPlatform.builder().runtime(new FakeFunctionRuntime()).prewarm(0).checkCode(false)
                .build()) {
            assertThatThrownBy(() -> faas.register("fetch", CODE, null, null, EGRESS))
                    .isInstanceOf(EgressNotAllowedException.class).hasMessageContaining("FAAS_EGRESS=on");
        }
    }
}
