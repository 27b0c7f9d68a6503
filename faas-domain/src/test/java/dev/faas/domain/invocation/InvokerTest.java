package dev.faas.domain.invocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.domain.pool.InstancePool;
import dev.faas.domain.pool.PoolSettings;
import dev.faas.domain.registry.FunctionRegistry;
import dev.faas.domain.registry.LimitsPolicy;
import dev.faas.ports.error.CapacityExceededException;
import dev.faas.ports.error.FunctionInitException;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.ForgedReplyException;
import dev.faas.ports.error.FunctionRaisedException;
import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.InstanceTimeoutException;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.model.RequestedLimits;
import dev.faas.ports.model.StartKind;
import dev.faas.ports.out.FunctionRepository;
import dev.faas.testkit.FakeFunctionRuntime;
import dev.faas.testkit.MutableClock;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InvokerTest {

    private final ExecutorService background = Executors.newCachedThreadPool();
    private final MutableClock clock = MutableClock.atEpoch();
    private final InMemoryFunctionRepository store = new InMemoryFunctionRepository();
    private final AtomicInteger repositoryCalls = new AtomicInteger();
    private final FunctionRepository repository = counting(store, repositoryCalls);
    private final FakeFunctionRuntime runtime = new FakeFunctionRuntime();
    private final FunctionRegistry registry = new FunctionRegistry(repository, LimitsPolicy.defaults(), clock);
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private InstancePool pool = new InstancePool(runtime, new PoolSettings(16, Duration.ofSeconds(5)), clock,
            background);
    private Invoker invoker = new Invoker(repository, runtime, pool);

    @AfterEach
    void tearDown() {
        callers.shutdownNow();
        pool.close();
        runtime.close();
        background.shutdownNow();
    }

    @Test
    void givenNewFunction_invoke_coldStartsThenReusesTheWarmInstance() {
        FunctionId id = register("hello", "echo", null);

        InvocationResult first = invoke(id, "{\"name\":\"World\"}");
        InvocationResult second = invoke(id, "{\"name\":\"again\"}");

        assertThat(first.startKind()).isEqualTo(StartKind.COLD);
        assertThat(first.resultJson()).isEqualTo("{\"name\":\"World\"}");
        assertThat(second.startKind()).isEqualTo(StartKind.WARM);
        assertThat(runtime.starts()).isEqualTo(1);
        assertThat(runtime.inits()).isEqualTo(1);
        assertThat(runtime.runs()).isEqualTo(2);
    }

    @Test
    void givenCachedDefinition_warmInvoke_makesNoRepositoryQuery() {
        FunctionId id = register("hello", "echo", null);
        invoke(id, "{}");
        int callsAfterFirstInvoke = repositoryCalls.get();

        for (int i = 0; i < 10; i++) {
            invoke(id, "{}");
        }

        assertThat(repositoryCalls.get()).isEqualTo(callsAfterFirstInvoke);
    }

    @Test
    void givenUnknownVersion_invoke_throwsNotFoundAndStartsNothing() {
        register("hello", "echo", null);

        assertThatThrownBy(() -> invoke(FunctionId.parse("hello-2"), "{}"))
                .isInstanceOf(FunctionNotFoundException.class)
                .hasMessageContaining("hello-2");
        assertThat(runtime.starts()).isZero();
    }

    @Test
    void givenSlowFunction_eightParallelCalls_runOnEightInstancesAtOnce() throws Exception {
        CountDownLatch allRunning = new CountDownLatch(8);
        runtime.whenCode("slow", params -> {
            // Each call returns only once all eight are running at the same moment.
            allRunning.countDown();
            assertThat(allRunning.await(10, TimeUnit.SECONDS)).as("eight calls running at once").isTrue();
            return "1";
        });
        FunctionId id = register("slow", "slow", null);

        List<InvocationResult> results = parallel(8, () -> invoke(id, "{}"));

        assertThat(results).hasSize(8).allSatisfy(result -> assertThat(result.resultJson()).isEqualTo("1"));
        assertThat(runtime.starts()).isEqualTo(8);
    }

    @Test
    void givenFunctionAtItsMaximum_extraCall_waitsForAFreeInstance() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        runtime.whenCode("slow", params -> {
            release.await();
            return "1";
        });
        FunctionId id = register("slow", "slow", new RequestedLimits(null, null, 1));
        List<Future<InvocationResult>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(callers.submit(() -> invoke(id, "{}")));
        }
        awaitCondition(() -> runtime.runs() == 1 && pool.queuedCalls() == 2);

        release.countDown();

        List<InvocationResult> results = new ArrayList<>();
        for (Future<InvocationResult> call : calls) {
            results.add(call.get(10, TimeUnit.SECONDS));
        }
        assertThat(results).hasSize(3);
        assertThat(runtime.starts()).isEqualTo(1);
        assertThat(results).filteredOn(result -> result.waitTime().toNanos() > 0).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void givenFunctionAtItsMaximumPastTheQueueTimeout_extraCall_isRejectedWithRetryAfter() throws Exception {
        replacePool(new PoolSettings(16, Duration.ofMillis(100)));
        CountDownLatch release = new CountDownLatch(1);
        runtime.whenCode("slow", params -> {
            release.await();
            return "1";
        });
        FunctionId id = register("slow", "slow", new RequestedLimits(null, null, 1));
        Future<InvocationResult> holder = callers.submit(() -> invoke(id, "{}"));
        awaitCondition(() -> runtime.runs() == 1);

        assertThatThrownBy(() -> invoke(id, "{}"))
                .isInstanceOfSatisfying(CapacityExceededException.class,
                        e -> assertThat(e.retryAfter()).isPositive());
        release.countDown();
        assertThat(holder.get().resultJson()).isEqualTo("1");
    }

    @Test
    void givenNodeLimit_manyFunctionsInParallel_neverRunMoreInstancesThanTheLimit() throws Exception {
        replacePool(new PoolSettings(3, Duration.ofSeconds(10)));
        CountDownLatch threeRunning = new CountDownLatch(3);
        runtime.whenCode("slow", params -> {
            // The first three calls end only once they all run at once: the node is full while the rest arrive.
            threeRunning.countDown();
            assertThat(threeRunning.await(10, TimeUnit.SECONDS)).isTrue();
            return "1";
        });
        List<FunctionId> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(register("f" + i, "slow", new RequestedLimits(null, null, 1)));
        }
        AtomicInteger next = new AtomicInteger();

        List<InvocationResult> results = parallel(12, () -> invoke(ids.get(next.getAndIncrement() % 3), "{}"));

        assertThat(results).hasSize(12);
        assertThat(runtime.maxRunningSeen()).isLessThanOrEqualTo(3);
    }

    @Test
    void givenCallPastItsTimeout_invoke_throwsTimeoutAndNextCallStartsAFreshInstance() {
        runtime.whenCode("loop", params -> {
            new CountDownLatch(1).await();
            return "1";
        });
        FunctionId id = register("loop", "loop", new RequestedLimits(100L, null, null));

        assertThatThrownBy(() -> invoke(id, "{}")).isInstanceOf(InstanceTimeoutException.class);
        runtime.whenCode("loop", params -> "2");
        InvocationResult next = invoke(id, "{}");

        assertThat(next.startKind()).isEqualTo(StartKind.COLD);
        assertThat(runtime.starts()).isEqualTo(2);
        awaitStops(1);
    }

    @Test
    void givenHandlerRaises_invoke_throwsAndKeepsTheInstanceWarm() {
        runtime.whenCode("raise", params -> {
            throw new FunctionRaisedException("ZeroDivisionError", "division by zero", "", "");
        });
        FunctionId id = register("raise", "raise", null);

        assertThatThrownBy(() -> invoke(id, "{}")).isInstanceOf(FunctionRaisedException.class);
        assertThatThrownBy(() -> invoke(id, "{}")).isInstanceOf(FunctionRaisedException.class);

        assertThat(runtime.starts()).isEqualTo(1);
        assertThat(runtime.stops()).isZero();
    }

    @Test
    void givenHandlerForgesAReply_invoke_throwsAndDiscardsTheInstance() {
        runtime.whenCode("forge", params -> {
            throw new ForgedReplyException("ResultNotSerializable", "not one JSON value");
        });
        FunctionId id = register("forge", "forge", null);

        assertThatThrownBy(() -> invoke(id, "{}")).isInstanceOf(ForgedReplyException.class);
        assertThatThrownBy(() -> invoke(id, "{}")).isInstanceOf(ForgedReplyException.class);

        assertThat(runtime.starts()).isEqualTo(2);
        awaitStops(2);
    }

    @Test
    void givenInstanceKilledFromOutside_invoke_failsPromptlyAndTheNextCallStartsANewOne() throws Exception {
        FunctionId id = register("hello", "echo", null);
        invoke(id, "{}");
        runtime.kill(runtime.running().get(0));

        assertThatThrownBy(() -> invoke(id, "{}")).isInstanceOf(InstanceCrashedException.class);
        InvocationResult next = invoke(id, "{}");

        assertThat(next.startKind()).isEqualTo(StartKind.COLD);
        // The dead instance's room is freed once its stop has finished, in the background.
        awaitCondition(() -> pool.instanceCount() == 1);
    }

    @Test
    void givenStartFailure_invoke_reportsItAndFreesTheRoom() {
        FunctionId id = register("hello", "echo", new RequestedLimits(null, null, 1));
        runtime.failNextStart(new UnableToStartInstanceException("no engine", "last words"));

        assertThatThrownBy(() -> invoke(id, "{}")).isInstanceOf(UnableToStartInstanceException.class);

        assertThat(pool.instanceCount()).isZero();
        assertThat(invoke(id, "{}").startKind()).isEqualTo(StartKind.COLD);
    }

    @Test
    void givenCodeThatDoesNotLoad_invoke_reportsItAndStopsTheInstance() throws Exception {
        runtime.failInitWhenCode("broken",
                new FunctionInitException("SyntaxError", "invalid syntax", "", 3, ""));
        FunctionId id = register("broken", "broken", null);

        assertThatThrownBy(() -> invoke(id, "{}")).isInstanceOf(FunctionInitException.class);

        awaitStops(1);
        awaitCondition(() -> pool.instanceCount() == 0);
        assertThat(runtime.running()).isEmpty();
    }

    @Test
    void givenForgottenVersion_idleInstancesAreStopped() {
        FunctionId id = register("hello", "echo", null);
        invoke(id, "{}");

        invoker.forget(id);

        awaitStops(1);
        assertThat(runtime.running()).isEmpty();
    }

    @Test
    void givenForgottenVersion_invoke_throwsNotFound_evenWhenOnlyItsInstancesWereLeft() {
        FunctionId id = register("hello", "echo", null);
        invoke(id, "{}");
        store.delete(id);

        invoker.forget(id);
        invoker.forget(id);

        assertThatThrownBy(() -> invoke(id, "{}")).isInstanceOf(FunctionNotFoundException.class);
        awaitStops(1);
        assertThat(runtime.running()).isEmpty();
    }

    /** A follower may forget a version while a call is reading its definition from before the delete. */
    @Test
    void givenVersionForgottenWhileItsDefinitionWasBeingRead_invoke_throwsNotFound_andCachesNothing() throws Exception {
        FunctionId id = register("hello", "echo", null);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        FunctionRepository slowReads = (FunctionRepository) Proxy.newProxyInstance(
                FunctionRepository.class.getClassLoader(), new Class<?>[] {FunctionRepository.class},
                (proxy, method, args) -> {
                    Object result = method.invoke(store, args);
                    if (method.getName().equals("find") && reading.getCount() > 0) {
                        reading.countDown();
                        proceed.await();
                    }
                    return result;
                });
        Invoker reader = new Invoker(slowReads, runtime, pool);
        Future<InvocationResult> call = callers.submit(() -> reader.invoke(new InvokeFunctionCommand(id, "{}")));
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();

        store.delete(id);
        reader.forget(id);
        proceed.countDown();

        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(FunctionNotFoundException.class);
        assertThatThrownBy(() -> reader.definition(id)).isInstanceOf(FunctionNotFoundException.class);
        assertThat(runtime.starts()).isZero();
    }

    @Test
    void givenPrewarmedInstances_firstCall_takesOneAndThePoolIsRefilled() throws Exception {
        replacePool(new PoolSettings(16, Duration.ofSeconds(5), 100, 2, 256));
        awaitCondition(() -> pool.prewarmedCount() == 2);
        FunctionId id = register("hello", "echo", null);

        InvocationResult first = invoke(id, "{}");

        assertThat(first.startKind()).isEqualTo(StartKind.PREWARMED);
        awaitCondition(() -> pool.prewarmedCount() == 2);
        assertThat(runtime.starts()).isEqualTo(3);
        assertThat(invoke(id, "{}").startKind()).isEqualTo(StartKind.WARM);
    }

    @Test
    void givenFunctionWithOtherMemory_firstCall_startsColdAndLeavesThePrewarmedAlone() throws Exception {
        replacePool(new PoolSettings(16, Duration.ofSeconds(5), 100, 1, 256));
        awaitCondition(() -> pool.prewarmedCount() == 1);
        FunctionId id = register("big", "echo", new RequestedLimits(null, 512, null));

        assertThat(invoke(id, "{}").startKind()).isEqualTo(StartKind.COLD);
        assertThat(pool.prewarmedCount()).isEqualTo(1);
    }

    @Test
    void givenFullNode_callOfAnotherFunction_evictsTheLeastRecentlyUsedIdleInstance() {
        replacePool(new PoolSettings(2, Duration.ofSeconds(5)));
        FunctionId a = register("a", "echo", null);
        FunctionId b = register("b", "echo", null);
        FunctionId c = register("c", "echo", null);
        invoke(a, "{}");
        clock.advance(Duration.ofSeconds(1));
        invoke(b, "{}");

        InvocationResult third = invoke(c, "{}");

        assertThat(third.startKind()).isEqualTo(StartKind.COLD);
        assertThat(pool.instanceCount()).isEqualTo(2);
        assertThat(invoke(b, "{}").startKind()).isEqualTo(StartKind.WARM);
        assertThat(invoke(a, "{}").startKind()).isEqualTo(StartKind.COLD);
    }

    @Test
    void givenNodeLimitOfFour_eightFunctionsCalledInTurn_neverExceedFourInstancesAndAllAnswer() throws Exception {
        replacePool(new PoolSettings(4, Duration.ofSeconds(10)));
        List<FunctionId> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(register("f" + i, "echo", null));
        }

        List<InvocationResult> results = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (FunctionId id : ids) {
                results.add(invoke(id, "{}"));
                clock.advance(Duration.ofMillis(10));
            }
        }

        assertThat(results).hasSize(24);
        assertThat(runtime.maxRunningSeen()).isLessThanOrEqualTo(4);
        assertThat(pool.instanceCount()).isLessThanOrEqualTo(4);
    }

    @Test
    void givenCallsWaitingForOneInstance_theyAreServedInArrivalOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // Recorded by the instance as it serves each call: the caller threads may return in any order once
        // the instance has moved on to the next call, so their order proves nothing.
        List<String> served = java.util.Collections.synchronizedList(new ArrayList<>());
        runtime.whenCode("ordered", params -> {
            if (!params.contains("-1")) {
                release.await();
                served.add(params);
            }
            return params;
        });
        FunctionId id = register("ordered", "ordered", new RequestedLimits(null, null, 1));
        invoke(id, "{\"n\":-1}");
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int n = i;
            calls.add(callers.submit(() -> invoke(id, "{\"n\":" + n + "}").resultJson()));
            // Call 0 holds the only instance; each later one is queued before the next is sent.
            awaitCondition(() -> n == 0 ? runtime.runs() == 2 : pool.queuedCalls() == n);
        }
        release.countDown();
        for (int n = 0; n < calls.size(); n++) {
            assertThat(calls.get(n).get(10, TimeUnit.SECONDS)).isEqualTo("{\"n\":" + n + "}");
        }
        assertThat(served).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}",
                "{\"n\":5}");
    }

    @Test
    void givenFullQueue_extraCalls_areRefusedAtOnce() throws Exception {
        replacePool(new PoolSettings(16, Duration.ofSeconds(5), 2, 0, 256));
        CountDownLatch release = new CountDownLatch(1);
        runtime.whenCode("slow", params -> {
            release.await();
            return "1";
        });
        FunctionId id = register("slow", "slow", new RequestedLimits(null, null, 1));
        List<Future<InvocationResult>> accepted = new ArrayList<>();
        accepted.add(callers.submit(() -> invoke(id, "{}")));
        awaitCondition(() -> runtime.runs() == 1);
        accepted.add(callers.submit(() -> invoke(id, "{}")));
        accepted.add(callers.submit(() -> invoke(id, "{}")));
        awaitCondition(() -> pool.queuedCalls() == 2);
        long start = System.nanoTime();

        assertThatThrownBy(() -> invoke(id, "{}")).isInstanceOf(CapacityExceededException.class)
                .hasMessageContaining("waiting");

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(200);
        release.countDown();
        for (Future<InvocationResult> call : accepted) {
            assertThat(call.get(10, TimeUnit.SECONDS).resultJson()).isEqualTo("1");
        }
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(condition::getAsBoolean);
    }

    @Test
    void everyCall_isReportedToTheObserver() {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        invoker = new Invoker(repository, runtime, pool, new dev.faas.ports.out.InvocationObserver() {
            @Override
            public void succeeded(InvocationResult result) {
                seen.add("ok " + result.functionId() + " " + result.startKind());
            }

            @Override
            public void failed(FunctionId functionId, RuntimeException failure, Duration took) {
                seen.add("failed " + functionId + " " + failure.getClass().getSimpleName());
            }
        });
        FunctionId id = register("hello", "echo", null);

        invoke(id, "{}");
        invoke(id, "{}");
        assertThatThrownBy(() -> invoke(FunctionId.parse("hello-9"), "{}"));

        assertThat(seen).containsExactly("ok hello-1 COLD", "ok hello-1 WARM",
                "failed hello-9 FunctionNotFoundException");
    }

    @Test
    void poolStatus_countsInstancesByState() throws Exception {
        replacePool(new PoolSettings(16, Duration.ofSeconds(5), 100, 1, 256));
        awaitCondition(() -> pool.prewarmedCount() == 1);
        FunctionId id = register("hello", "echo", new RequestedLimits(null, 512, null));
        invoke(id, "{}");

        assertThat(pool.poolStatus()).isEqualTo(new dev.faas.ports.model.PoolStatus(1, 1, 0, 0, 16, 256 + 512,
                PoolSettings.UNLIMITED_MEMORY_MB));
    }

    private FunctionId register(String name, String code, RequestedLimits limits) {
        FunctionDefinition stored = registry.register(
                new RegisterFunctionCommand(FunctionName.of(name), code, null, limits));
        return stored.id();
    }

    private InvocationResult invoke(FunctionId id, String params) {
        return invoker.invoke(new InvokeFunctionCommand(id, params));
    }

    private void replacePool(PoolSettings settings) {
        pool.close();
        pool = new InstancePool(runtime, settings, clock, background);
        invoker = new Invoker(repository, runtime, pool);
    }

    private <T> List<T> parallel(int count, Callable<T> call) throws Exception {
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(callers.submit(call));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    private void awaitStops(int expected) {
        awaitCondition(() -> runtime.stops() >= expected);
    }

    private static FunctionRepository counting(FunctionRepository target, AtomicInteger calls) {
        return (FunctionRepository) Proxy.newProxyInstance(FunctionRepository.class.getClassLoader(),
                new Class<?>[] {FunctionRepository.class}, (proxy, method, args) -> {
                    calls.incrementAndGet();
                    try {
                        return method.invoke(target, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
