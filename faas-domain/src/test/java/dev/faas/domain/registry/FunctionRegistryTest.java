package dev.faas.domain.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.PayloadTooLargeException;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.RequestedLimits;
import dev.faas.testkit.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FunctionRegistryTest {

    private static final String CODE = "def user_function(name):\n    return f'Hello, {name}!'\n";

    private final MutableClock clock = MutableClock.atEpoch();
    private final InMemoryFunctionRepository repository = new InMemoryFunctionRepository();
    private final FunctionRegistry registry = new FunctionRegistry(repository, LimitsPolicy.defaults(), clock);

    @Test
    void givenNewName_register_allocatesVersionOneThenTwo() {
        FunctionDefinition first = registry.register(new RegisterFunctionCommand(FunctionName.of("hello"), CODE));
        FunctionDefinition second = registry.register(new RegisterFunctionCommand(FunctionName.of("hello"), CODE));

        assertThat(first.id()).hasToString("hello-1");
        assertThat(second.id()).hasToString("hello-2");
        assertThat(repository.find(first.id())).contains(first);
    }

    @Test
    void register_storesDefaultsHashAndTime() {
        FunctionDefinition stored = registry.register(new RegisterFunctionCommand(FunctionName.of("hello"), CODE));

        assertThat(stored.handler()).isEqualTo("user_function");
        assertThat(stored.limits().timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(stored.limits().memoryMb()).isEqualTo(256);
        assertThat(stored.createdAt()).isEqualTo(clock.instant());
        assertThat(stored.codeSha256()).hasSize(64).isEqualTo(FunctionRegistry.sha256(CODE.getBytes()));
    }

    @Test
    void givenRequestedLimitsWithinMaxima_register_keepsThem() {
        FunctionDefinition stored = registry.register(new RegisterFunctionCommand(FunctionName.of("hello"), CODE,
                "handle", new RequestedLimits(1500L, 128, 2)));

        assertThat(stored.handler()).isEqualTo("handle");
        assertThat(stored.limits().timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(stored.limits().memoryMb()).isEqualTo(128);
        assertThat(stored.limits().maxInstances()).isEqualTo(2);
    }

    @Test
    void givenTimeoutAboveMaximum_register_isRejectedAndNothingStored() {
        assertThatThrownBy(() -> registry.register(new RegisterFunctionCommand(FunctionName.of("hello"), CODE, null,
                new RequestedLimits(901_000L, null, null))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("limits.timeoutMs");
        assertThat(repository.findLatest(FunctionName.of("hello"))).isEmpty();
    }

    @Test
    void givenCodeAboveLimit_register_isRejected() {
        String huge = "x = 1\n".repeat(200_000);
        assertThatThrownBy(() -> registry.register(new RegisterFunctionCommand(FunctionName.of("big"), huge)))
                .isInstanceOf(PayloadTooLargeException.class);
    }

    @Test
    void givenBadNameHandlerOrCode_commands_areRejected() {
        assertThatThrownBy(() -> FunctionName.of("1abc")).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> FunctionName.of("a".repeat(65))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> new RegisterFunctionCommand(FunctionName.of("a"), "  "))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> new RegisterFunctionCommand(FunctionName.of("a"), CODE, "not-python", null))
                .isInstanceOf(InvalidRequestException.class);
    }
}
