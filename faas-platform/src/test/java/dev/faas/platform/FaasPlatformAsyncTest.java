package dev.faas.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationStatus;
import dev.faas.ports.model.FunctionId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code FaasPlatform.invokeAsync}: the library's asynchronous calls, in memory with python3 processes. */
class FaasPlatformAsyncTest {

    @Test
    void invokeAsync_returnsTheIdAtOnce_andAFutureOfTheEndedActivation() throws Exception {
        try (FaasPlatform faas = FaasPlatform.builder().build()) {
            FunctionId id = faas.register("double", "def user_function(n):\n    return n * 2\n");

            List<FaasPlatform.AsyncCall> calls = new ArrayList<>();
            for (int n = 0; n < 5; n++) {
                calls.add(faas.invokeAsync(id, Map.of("n", n)));
            }

            for (int n = 0; n < 5; n++) {
                Activation ended = calls.get(n).completion().get(60, TimeUnit.SECONDS);
                assertThat(ended.id()).isEqualTo(calls.get(n).activationId());
                assertThat(ended.status()).isEqualTo(ActivationStatus.SUCCEEDED);
                assertThat(ended.outcome().resultJson()).isEqualTo(Integer.toString(n * 2));
                assertThat(faas.activation(ended.id()).status()).isEqualTo(ActivationStatus.SUCCEEDED);
            }
        }
    }

    @Test
    void invokeAsync_ofAFailingFunction_completesWithTheFailedRecord_andOfAMissingOneThrows() throws Exception {
        try (FaasPlatform faas = FaasPlatform.builder().build()) {
            FunctionId id = faas.register("oops", "def user_function():\n    raise KeyError('k')\n");

            Activation ended = faas.invokeAsync(id, "{}").completion().get(60, TimeUnit.SECONDS);

            assertThat(ended.status()).isEqualTo(ActivationStatus.FAILED);
            assertThat(ended.outcome().problemType()).isEqualTo("function-error");
            assertThat(ended.outcome().problemDetail()).contains("KeyError");
            assertThatThrownBy(() -> faas.invokeAsync(FunctionId.of("ghost", 1), "{}"))
                    .isInstanceOf(FunctionNotFoundException.class);
        }
    }
}
