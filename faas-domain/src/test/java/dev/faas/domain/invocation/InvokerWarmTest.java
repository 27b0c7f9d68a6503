package dev.faas.domain.invocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.domain.pool.InstancePool;
import dev.faas.domain.pool.PoolSettings;
import dev.faas.domain.registry.FunctionRegistry;
import dev.faas.domain.registry.LimitsPolicy;
import dev.faas.ports.error.FunctionInitException;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.RequestedLimits;
import dev.faas.ports.model.StartKind;
import dev.faas.testkit.FakeFunctionRuntime;
import dev.faas.testkit.MutableClock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Warming a version loads its code into an idle instance without calling the handler. */
class InvokerWarmTest {

    private final ExecutorService background = Executors.newCachedThreadPool();
    private final MutableClock clock = MutableClock.atEpoch();
    private final InMemoryFunctionRepository repository = new InMemoryFunctionRepository();
    private final FakeFunctionRuntime runtime = new FakeFunctionRuntime();
    private final FunctionRegistry registry = new FunctionRegistry(repository, LimitsPolicy.defaults(), clock);
    private final InstancePool pool = new InstancePool(runtime, new PoolSettings(16, Duration.ofSeconds(5)), clock,
            background);
    private final Invoker invoker = new Invoker(repository, runtime, pool);

    @AfterEach
    void tearDown() {
        pool.close();
        runtime.close();
        background.shutdownNow();
    }

    @Test
    void givenWarmedVersion_firstInvoke_findsAWarmInstance_andWarmingRanNoCall() {
        FunctionId id = registry.register(new RegisterFunctionCommand(FunctionName.of("hello"), "echo", null,
                RequestedLimits.DEFAULTS)).id();

        invoker.warm(id);

        assertThat(runtime.starts()).isEqualTo(1);
        assertThat(runtime.inits()).isEqualTo(1);
        assertThat(runtime.runs()).isZero();
        assertThat(invoker.invoke(new InvokeFunctionCommand(id, "{}")).startKind()).isEqualTo(StartKind.WARM);
        assertThat(runtime.starts()).isEqualTo(1);
        assertThat(runtime.inits()).isEqualTo(1);
    }

    @Test
    void givenCodeThatFailsToLoad_warm_throwsAndKeepsNoInstance() {
        FunctionId id = registry.register(new RegisterFunctionCommand(FunctionName.of("broken"), "broken", null,
                RequestedLimits.DEFAULTS)).id();
        runtime.failInitWhenCode("broken", new FunctionInitException("SyntaxError", "bad", "", 1, ""));

        assertThatThrownBy(() -> invoker.warm(id)).isInstanceOf(FunctionInitException.class);
        // The pool stops a discarded instance on its background threads.
        await("the instance that failed to load is stopped").atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(runtime.running()).isEmpty());
        assertThat(pool.poolStatus().warm()).isZero();
    }

    @Test
    void givenUnknownVersion_warm_saysNotFound() {
        assertThatThrownBy(() -> invoker.warm(FunctionId.parse("nothing-1")))
                .isInstanceOf(FunctionNotFoundException.class);
    }
}
