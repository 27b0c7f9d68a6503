package dev.faas.domain.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.domain.invocation.Invoker;
import dev.faas.domain.registry.FunctionRegistry;
import dev.faas.domain.registry.LimitsPolicy;
import dev.faas.ports.error.CapacityExceededException;
import dev.faas.ports.error.InstanceTimeoutException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.model.RequestedLimits;
import dev.faas.ports.model.StartKind;
import dev.faas.testkit.Concurrently;
import dev.faas.testkit.FakeFunctionRuntime;
import dev.faas.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The node's memory budget: the memory limits of its instances never add up to more than it. */
class NodeMemoryBudgetTest {

    private final ExecutorService background = Executors.newCachedThreadPool();
    private static final int BUDGET_MB = 1024;

    private final MutableClock clock = MutableClock.atEpoch();
    private final InMemoryFunctionRepository repository = new InMemoryFunctionRepository();
    private final FakeFunctionRuntime runtime = new FakeFunctionRuntime();
    private final FunctionRegistry registry = new FunctionRegistry(repository, LimitsPolicy.defaults(), clock);
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch running = new CountDownLatch(2);
    private InstancePool pool;
    private Invoker invoker;

    @AfterEach
    void tearDown() {
        release.countDown();
        callers.shutdownNow();
        if (pool != null) {
            pool.close();
        }
        runtime.close();
        background.shutdownNow();
    }

    @Test
    void givenBudgetOf1024_thirdConcurrentCallOf512_waitsForAnInstanceInsteadOfExceedingIt() throws Exception {
        usePool(new PoolSettings(64, Duration.ofSeconds(10), 100, 0, 256, BUDGET_MB));
        FunctionId id = register("big", "held", 512);
        List<Future<InvocationResult>> calls = new ArrayList<>();
        calls.add(callers.submit(() -> invoke(id)));
        calls.add(callers.submit(() -> invoke(id)));
        assertThat(running.await(10, TimeUnit.SECONDS)).as("two calls running").isTrue();

        calls.add(callers.submit(() -> invoke(id)));
        await(() -> pool.queuedCalls() == 1);

        assertThat(runtime.starts()).as("a third instance would take 1536 MB").isEqualTo(2);
        assertThat(pool.reservedMemoryMb()).isEqualTo(1024);
        release.countDown();
        List<StartKind> kinds = new ArrayList<>();
        for (Future<InvocationResult> call : calls) {
            kinds.add(call.get(10, TimeUnit.SECONDS).startKind());
        }
        assertThat(kinds).containsExactly(StartKind.COLD, StartKind.COLD, StartKind.WARM);
        assertThat(runtime.maxRunningMemoryMbSeen()).isEqualTo(1024);
    }

    @Test
    void givenBudgetTakenByBusyInstances_pastTheQueueTimeout_callIsRefusedNamingTheBudget() throws Exception {
        usePool(new PoolSettings(64, Duration.ofMillis(200), 100, 0, 256, BUDGET_MB));
        FunctionId held = register("held", "held", 512);
        FunctionId other = register("other", "echo", 512);
        callers.submit(() -> invoke(held));
        callers.submit(() -> invoke(held));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> invoke(other))
                .isInstanceOf(CapacityExceededException.class)
                .hasMessageContaining("memory budget of 1024 MB");
        assertThat(runtime.starts()).isEqualTo(2);
    }

    @Test
    void givenIdleInstancesOfOtherVersions_callNeedingTheirMemory_evictsAsManyLeastRecentlyUsedAsItNeeds() {
        usePool(new PoolSettings(64, Duration.ofSeconds(5), 100, 0, 256, BUDGET_MB));
        List<FunctionId> small = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            small.add(register("small" + i, "echo", 256));
            invoke(small.get(i));
            clock.advance(Duration.ofSeconds(1));
        }
        FunctionId big = register("big", "echo", 512);

        InvocationResult bigCall = invoke(big);

        assertThat(bigCall.startKind()).isEqualTo(StartKind.COLD);
        assertThat(runtime.stops()).as("the two least recently used small instances").isEqualTo(2);
        assertThat(invoke(small.get(2)).startKind()).isEqualTo(StartKind.WARM);
        assertThat(invoke(small.get(3)).startKind()).isEqualTo(StartKind.WARM);
        assertThat(runtime.maxRunningMemoryMbSeen()).isLessThanOrEqualTo(BUDGET_MB);
        assertThat(pool.reservedMemoryMb()).isEqualTo(1024);
    }

    @Test
    void givenPrewarmedInstancesHoldingTheBudget_callOfTheWholeBudget_stopsThemFirst() throws Exception {
        usePool(new PoolSettings(64, Duration.ofSeconds(5), 100, 2, 256, BUDGET_MB));
        await(() -> pool.prewarmedCount() == 2);
        FunctionId whole = register("whole", "echo", 1024);

        assertThat(invoke(whole).startKind()).isEqualTo(StartKind.COLD);

        assertThat(runtime.maxRunningMemoryMbSeen()).isLessThanOrEqualTo(BUDGET_MB);
        assertThat(pool.reservedMemoryMb()).isEqualTo(1024);
    }

    @Test
    void givenInstancesThatStop_theirMemoryIsGivenBack() throws Exception {
        usePool(new PoolSettings(64, Duration.ofSeconds(5), 100, 0, 256, BUDGET_MB));
        runtime.whenCode("hangs", params -> {
            new CountDownLatch(1).await();
            return "null";
        });
        FunctionId a = register("a", "echo", 512);
        FunctionId b = register("b", "echo", 512);
        invoke(a);
        invoke(b);
        assertThat(pool.reservedMemoryMb()).isEqualTo(1024);

        invoker.forget(a);
        await(() -> pool.reservedMemoryMb() == 512);
        pool.removeIdle(pool.snapshots());
        await(() -> pool.reservedMemoryMb() == 0);

        FunctionId hangs = registry.register(new RegisterFunctionCommand(FunctionName.of("hangs"), "hangs", null,
                new RequestedLimits(100L, 1024, null))).id();
        assertThatThrownBy(() -> invoke(hangs)).isInstanceOf(InstanceTimeoutException.class);
        await(() -> pool.reservedMemoryMb() == 0);
        assertThat(invoke(register("whole", "echo", 1024)).startKind()).isEqualTo(StartKind.COLD);
        assertThat(pool.reservedMemoryMb()).isEqualTo(1024);
    }

    @Test
    void givenManyConcurrentCallsOfMixedSizes_theRunningInstancesNeverExceedTheBudget() throws Exception {
        usePool(new PoolSettings(64, Duration.ofSeconds(30), 1000, 1, 256, BUDGET_MB));
        runtime.whenCode("brief", params -> {
            Thread.yield();
            return "1";
        });
        int[] sizes = {128, 256, 512, 384, 256, 640};
        List<FunctionId> ids = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            ids.add(register("f" + i, "brief", sizes[i]));
        }

        List<Integer> answered = Concurrently.run(24, thread -> {
            int ok = 0;
            for (int call = 0; call < 10; call++) {
                FunctionId id = ids.get((thread + call) % ids.size());
                assertThat(invoke(id).resultJson()).isEqualTo("1");
                ok++;
            }
            return ok;
        });

        assertThat(answered).containsOnly(10);
        assertThat(runtime.maxRunningMemoryMbSeen()).as("memory limits of the instances running at once")
                .isLessThanOrEqualTo(BUDGET_MB);
        // The stock's refill may be starting as the last call ends: its memory is reserved before its instance
        // runs (so the budget holds), and the two agree once it has started.
        assertThat(pool.reservedMemoryMb()).isLessThanOrEqualTo(BUDGET_MB);
        await(() -> pool.reservedMemoryMb() == runtime.runningMemoryMb());
        assertThat(pool.reservedMemoryMb()).isLessThanOrEqualTo(BUDGET_MB);
    }

    @Test
    void givenVersionLargerThanTheWholeBudget_invoke_isRefusedAtOnceWithoutStartingAnything() {
        usePool(new PoolSettings(64, Duration.ofSeconds(10), 100, 0, 256, BUDGET_MB));
        // Stored through a node with a larger budget: this node's registry would have refused it.
        FunctionId huge = register("huge", "echo", 2048);

        long start = System.nanoTime();
        assertThatThrownBy(() -> invoke(huge))
                .isInstanceOf(UnableToStartInstanceException.class)
                .hasMessageContaining("2048 MB").hasMessageContaining("1024 MB")
                .hasMessageContaining("FAAS_NODE_MEMORY_MB");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("no wait for the queue timeout")
                .isLessThan(5_000);
        assertThat(runtime.starts()).isZero();
    }

    @Test
    void givenBudgetBelowTheServersMaximum_registration_refusesMemoryOverTheBudget() {
        FunctionRegistry bounded = new FunctionRegistry(repository, LimitsPolicy.defaults().withinNodeMemory(1024),
                clock);

        assertThatThrownBy(() -> bounded.register(new RegisterFunctionCommand(FunctionName.of("huge"), "echo", null,
                new RequestedLimits(null, 1025, null))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("limits.memoryMb must be between 32 and 1024");
        assertThat(bounded.register(new RegisterFunctionCommand(FunctionName.of("fits"), "echo", null,
                new RequestedLimits(null, 1024, null))).limits().memoryMb()).isEqualTo(1024);
        assertThatThrownBy(() -> LimitsPolicy.defaults().withinNodeMemory(128))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("default function memory");
    }

    private void usePool(PoolSettings settings) {
        runtime.whenCode("held", params -> {
            running.countDown();
            release.await();
            return "1";
        });
        pool = new InstancePool(runtime, settings, clock, background);
        invoker = new Invoker(repository, runtime, pool);
    }

    private FunctionId register(String name, String code, int memoryMb) {
        return registry.register(new RegisterFunctionCommand(FunctionName.of(name), code, null,
                new RequestedLimits(null, memoryMb, null))).id();
    }

    private InvocationResult invoke(FunctionId id) {
        return invoker.invoke(new InvokeFunctionCommand(id, "{}"));
    }

    /** Waits on a condition the pool reaches on its own threads; fails after 5 s. */
    private static void await(BooleanSupplier condition) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(condition::getAsBoolean);
    }
}
