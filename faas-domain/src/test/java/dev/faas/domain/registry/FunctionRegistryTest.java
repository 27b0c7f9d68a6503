package dev.faas.domain.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.domain.pool.InstancePool;
import dev.faas.domain.pool.PoolSettings;
import dev.faas.ports.error.FunctionInitException;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.InvalidCodeException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.PayloadTooLargeException;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.RequestedLimits;
import dev.faas.testkit.FakeFunctionRuntime;
import dev.faas.testkit.MutableClock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FunctionRegistryTest {

    private final ExecutorService background = Executors.newCachedThreadPool();

    @AfterEach
    void stopBackground() {
        background.shutdownNow();
    }
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
    void givenCodeThatDoesNotLoadInTheSandbox_register_isRejectedWithTheLineAndStoresNothing() {
        FakeFunctionRuntime runtime = new FakeFunctionRuntime()
                .failInitWhenCode("def user_function(:", new FunctionInitException("SyntaxError", "invalid syntax",
                        "", 1, ""));
        InstancePool pool = new InstancePool(runtime, new PoolSettings(1, Duration.ofSeconds(1)), clock, background);
        FunctionRegistry checking = new FunctionRegistry(repository, LimitsPolicy.defaults(), clock,
                new SandboxCodeCheck(runtime, pool), id -> { });

        assertThatThrownBy(() -> checking.register(new RegisterFunctionCommand(FunctionName.of("bad"),
                "def user_function(:")))
                .isInstanceOfSatisfying(InvalidCodeException.class, e -> {
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.errorType()).isEqualTo("SyntaxError");
                });
        assertThat(repository.findLatest(FunctionName.of("bad"))).isEmpty();
        // Stopped in the background, so the registration does not wait for the engine to remove it.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(runtime.running()).as("the checking instance is stopped").isEmpty());
        assertThat(checking.register(new RegisterFunctionCommand(FunctionName.of("good"), CODE)).id())
                .hasToString("good-1");
        assertThat(runtime.starts()).isEqualTo(2);
        // This check's instance is stopped in the background too (seen still running under load).
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(runtime.running()).isEmpty();
            assertThat(pool.instanceCount()).as("checks give their room back").isZero();
        });
        pool.close();
    }

    @Test
    void givenStoredVersions_readsAndDeletes_followTheStore() {
        List<FunctionId> deletedSeen = new java.util.ArrayList<>();
        FunctionRegistry withListener = new FunctionRegistry(repository, LimitsPolicy.defaults(), clock, null,
                deletedSeen::add);
        FunctionName hello = FunctionName.of("hello");
        withListener.register(new RegisterFunctionCommand(hello, CODE));
        withListener.register(new RegisterFunctionCommand(hello, CODE));
        withListener.register(new RegisterFunctionCommand(FunctionName.of("other"), CODE));

        assertThat(withListener.latest(hello).id()).hasToString("hello-2");
        assertThat(withListener.versions(hello)).extracting(FunctionDefinition::version).containsExactly(1, 2);
        assertThat(withListener.list(null, 10)).extracting(summary -> summary.name().value())
                .containsExactly("hello", "other");

        withListener.delete(FunctionId.parse("hello-2"));
        assertThat(withListener.latest(hello).id()).hasToString("hello-1");
        assertThatThrownBy(() -> withListener.version(FunctionId.parse("hello-2")))
                .isInstanceOf(FunctionNotFoundException.class);
        assertThatThrownBy(() -> withListener.delete(FunctionId.parse("hello-2")))
                .isInstanceOf(FunctionNotFoundException.class);
        assertThat(withListener.deleteAll(hello)).extracting(FunctionId::toString).containsExactly("hello-1");
        assertThatThrownBy(() -> withListener.versions(hello)).isInstanceOf(FunctionNotFoundException.class);
        assertThat(deletedSeen).extracting(FunctionId::toString).containsExactly("hello-2", "hello-1");
        assertThat(withListener.register(new RegisterFunctionCommand(hello, CODE)).id()).hasToString("hello-3");
        assertThatThrownBy(() -> withListener.list(null, 0)).isInstanceOf(InvalidRequestException.class);
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
