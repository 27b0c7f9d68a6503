package dev.faas.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.model.FunctionId;
import dev.faas.testkit.FakeFunctionRuntime;
import java.time.Duration;

/** What two platforms sharing one store must show, checked the same way whatever class the store is. */
final class SharedStorePlatforms {

    private SharedStorePlatforms() {
    }

    /**
     * Registers {@code code} as {@code hello} through {@code first}, calls it through {@code second} (which runs it in
     * {@code secondRuntime}), deletes it through {@code first}, and checks that {@code second} stops its instance and
     * refuses the version from then on.
     */
    static void assertDeleteThroughFirstIsForgottenBySecond(FaasPlatform first, FaasPlatform second,
            FakeFunctionRuntime secondRuntime, String code) {
        FunctionId id = first.register("hello", code);
        second.invoke(id, "{}");
        assertThat(secondRuntime.running()).hasSize(1);

        first.delete(id.toString());

        await("B's instance stopped").atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(secondRuntime.running()).isEmpty());
        assertThatThrownBy(() -> second.invoke(id, "{}")).isInstanceOf(FunctionNotFoundException.class);
    }
}
