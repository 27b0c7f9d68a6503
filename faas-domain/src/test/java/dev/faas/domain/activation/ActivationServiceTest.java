package dev.faas.domain.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.faas.adapter.memory.InMemoryActivationStore;
import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.domain.invocation.Invoker;
import dev.faas.domain.pool.InstancePool;
import dev.faas.domain.pool.PoolSettings;
import dev.faas.ports.error.ActivationNotFoundException;
import dev.faas.ports.error.AsyncQueueFullException;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.FunctionRaisedException;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.in.InvokeAsyncCommand;
import dev.faas.ports.in.InvokeAsyncUseCase;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationId;
import dev.faas.ports.model.ActivationOutcome;
import dev.faas.ports.model.ActivationStatus;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.NewFunctionVersion;
import dev.faas.ports.model.VersionOptions;
import dev.faas.testkit.FakeFunctionRuntime;
import dev.faas.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher and its delivery rules, on the in-memory stores, the fake runtime and a clock moved by hand. Two
 * services on one store stand for two nodes; the lease tests drive them round by round instead of starting them.
 */
class ActivationServiceTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final FunctionLimits LIMITS = new FunctionLimits(Duration.ofSeconds(30), 128, 8);

    private final MutableClock clock = MutableClock.atEpoch();
    private final InMemoryFunctionRepository functions = new InMemoryFunctionRepository();
    private final InMemoryActivationStore store = new InMemoryActivationStore();
    private final FakeFunctionRuntime runtime = new FakeFunctionRuntime();
    private final ExecutorService background = Executors.newCachedThreadPool();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<Activation> ended = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : closing) {
            closeable.close();
        }
        runtime.close();
        background.shutdownNow();
    }

    private FunctionId register(String name, String code, VersionOptions options) {
        return functions.add(new NewFunctionVersion(FunctionName.of(name), code, "user_function", LIMITS,
                clock.instant(), "0".repeat(64), options)).id();
    }

    private FunctionId register(String name, String code) {
        return register(name, code, VersionOptions.DEFAULT);
    }

    /** A node: its own pool and invoker over the shared function and activation stores. */
    private ActivationService node(String nodeId, int slots, int maxInstances, Duration queueTimeout) {
        InstancePool pool = new InstancePool(runtime, new PoolSettings(maxInstances, queueTimeout), clock,
                background);
        Invoker invoker = new Invoker(functions, runtime, pool);
        ActivationService service = new ActivationService(store, invoker,
                AsyncSettings.defaults(slots).withLease(LEASE).withPollInterval(Duration.ofMillis(20)), clock,
                nodeId, failure -> failure instanceof FunctionRaisedException ? "function-error" : "other",
                ended::add, Executors.newCachedThreadPool());
        closing.add(0, pool);
        closing.add(0, service);
        return service;
    }

    private ActivationService node(String nodeId, int slots) {
        return node(nodeId, slots, 16, Duration.ofSeconds(5));
    }

    /** Code whose calls are counted, signal {@code held} when they start and answer {@code result} once released. */
    private HeldCode holding(String code, String result) {
        HeldCode hold = new HeldCode(new CountDownLatch(1), new CountDownLatch(1), new AtomicInteger());
        runtime.whenCode(code, params -> {
            hold.runs().incrementAndGet();
            hold.held().countDown();
            hold.release().await(30, TimeUnit.SECONDS);
            return result;
        });
        return hold;
    }

    private record HeldCode(CountDownLatch held, CountDownLatch release, AtomicInteger runs) {
    }

    private Activation awaitFinal(ActivationId id) {
        await("activation " + id + " ended").atMost(Duration.ofSeconds(20))
                .until(() -> store.find(id).orElseThrow().status().isFinal());
        return store.find(id).orElseThrow();
    }

    @Test
    void anActivationMadeByOneKey_isReadByThatKeyAndByReadersOfAll_andIsNotFoundForAnotherKey() {
        FunctionId id = register("owned", "echo");
        ActivationService node = node("node-a", 1);

        Activation queued = node.submit(new InvokeAsyncCommand(new InvokeFunctionCommand(id, "{}"), null, "key_a"));

        assertThat(queued.createdBy()).isEqualTo("key_a");
        assertThat(node.activation(queued.id(), "key_a").id()).isEqualTo(queued.id());
        assertThat(node.activation(queued.id(), null).createdBy()).isEqualTo("key_a");
        assertThat(node.activation(queued.id()).id()).isEqualTo(queued.id());
        assertThatThrownBy(() -> node.activation(queued.id(), "key_b"))
                .isInstanceOf(ActivationNotFoundException.class);
        InvokeAsyncUseCase.Recorded recorded = node.invokeRecorded(new InvokeFunctionCommand(id, "{}"), "key_b");
        assertThat(store.find(recorded.activationId()).orElseThrow().createdBy()).isEqualTo("key_b");
    }

    @Test
    void givenAFunctionsQueueAtItsCap_submit_isRefusedWithRetryAfter_whileOtherFunctionsStillQueue() {
        FunctionId capped = register("capped", "echo");
        FunctionId cappedV2 = register("capped", "echo");
        FunctionId other = register("other", "echo");
        InstancePool pool = new InstancePool(runtime, new PoolSettings(4, Duration.ofSeconds(5)), clock, background);
        ActivationService node = new ActivationService(store, new Invoker(functions, runtime, pool),
                AsyncSettings.defaults(1).withLease(LEASE).withQueueMax(2), clock, "node-a", failure -> "other",
                ended::add, Executors.newCachedThreadPool());
        closing.add(0, pool);
        closing.add(0, node);
        node.submit(InvokeAsyncCommand.of(capped, "{\"n\":1}"));
        node.submit(InvokeAsyncCommand.of(cappedV2, "{\"n\":2}"));

        assertThatThrownBy(() -> node.submit(InvokeAsyncCommand.of(capped, "{\"n\":3}")))
                .isInstanceOfSatisfying(AsyncQueueFullException.class, full -> {
                    assertThat(full.functionName()).isEqualTo("capped");
                    assertThat(full.limit()).isEqualTo(2);
                    assertThat(full.retryAfter()).isPositive();
                });
        assertThat(store.queuedFor("capped")).as("the refused call was not queued").isEqualTo(2);
        node.submit(InvokeAsyncCommand.of(other, "{\"n\":4}"));

        // A call leaving the queue makes room for one more.
        assertThat(node.dispatchOnce()).isEqualTo(1);
        node.submit(InvokeAsyncCommand.of(capped, "{\"n\":5}"));
        assertThat(store.queuedFor("capped")).isEqualTo(2);
    }

    @Test
    void submit_queuesTheCall_andTheDispatcherRunsItAndRecordsTheOutcome() {
        FunctionId id = register("echo", "echo");
        ActivationService node = node("node-a", 2).start();

        Activation queued = node.submit(InvokeAsyncCommand.of(id, "{\"n\":1}"));

        assertThat(queued.status()).isEqualTo(ActivationStatus.QUEUED);
        assertThat(queued.maxAttempts()).isEqualTo(2);
        Activation done = awaitFinal(queued.id());
        assertThat(done.status()).isEqualTo(ActivationStatus.SUCCEEDED);
        assertThat(done.outcome().resultJson()).isEqualTo("{\"n\":1}");
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(done.nodeId()).isEqualTo("node-a");
        assertThat(done.outcome().startKind()).isNotNull();
        await().until(() -> ended.stream().anyMatch(activation -> activation.id().equals(queued.id())));
    }

    @Test
    void submit_ofAMissingVersion_isRefusedAtOnce() {
        ActivationService node = node("node-a", 2);

        assertThatThrownBy(() -> node.submit(InvokeAsyncCommand.of(FunctionId.of("ghost", 1), "{}")))
                .isInstanceOf(FunctionNotFoundException.class);
        assertThat(store.stats().queued()).isZero();
    }

    @Test
    void givenTwoSlots_atMostTwoAsyncCallsRunAtOnce_theRestWaitInArrivalOrder() {
        CountDownLatch release = new CountDownLatch(1);
        List<String> started = new CopyOnWriteArrayList<>();
        runtime.whenCode("slow", params -> {
            started.add(params);
            release.await(30, TimeUnit.SECONDS);
            return params;
        });
        FunctionId id = register("slow", "slow");
        ActivationService node = node("node-a", 2).start();
        List<ActivationId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(node.submit(InvokeAsyncCommand.of(id, "{\"i\":" + i + "}")).id());
        }

        await().until(() -> started.size() == 2);
        assertThat(started).containsExactlyInAnyOrder("{\"i\":0}", "{\"i\":1}");
        assertThat(node.runningHere()).isEqualTo(2);
        assertThat(store.stats().queued()).isEqualTo(3);
        assertThat(store.find(ids.get(2)).orElseThrow().status()).isEqualTo(ActivationStatus.QUEUED);

        release.countDown();
        ids.forEach(this::awaitFinal);
        assertThat(runtime.maxRunningSeen()).isLessThanOrEqualTo(2);
    }

    @Test
    void givenNodeThatStopsRenewing_anotherNodeRunsTheCallAgain_andTheLateEndIsNotRecorded() throws Exception {
        CountDownLatch firstRunHeld = new CountDownLatch(1);
        CountDownLatch releaseFirstRun = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        runtime.whenCode("once", params -> {
            if (runs.incrementAndGet() == 1) {
                firstRunHeld.countDown();
                releaseFirstRun.await(30, TimeUnit.SECONDS);
                return "\"from the lost node\"";
            }
            return "\"from the survivor\"";
        });
        FunctionId id = register("once", "once");
        ActivationService nodeA = node("node-a", 2);
        ActivationService nodeB = node("node-b", 2);
        ActivationId call = nodeA.submit(InvokeAsyncCommand.of(id, "{}")).id();
        assertThat(nodeA.dispatchOnce()).isEqualTo(1);
        assertThat(firstRunHeld.await(10, TimeUnit.SECONDS)).isTrue();

        // Node A renews no more (it is frozen); B finds the lease run out and takes the call over.
        clock.advance(LEASE.plusSeconds(1));
        nodeB.dispatchOnce();

        Activation done = awaitFinal(call);
        assertThat(done.status()).isEqualTo(ActivationStatus.SUCCEEDED);
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(done.nodeId()).isEqualTo("node-b");
        assertThat(done.outcome().resultJson()).isEqualTo("\"from the survivor\"");
        releaseFirstRun.countDown();
        await().until(() -> nodeA.runningHere() == 0);
        assertThat(store.find(call).orElseThrow()).as("node A's late end changes nothing").isEqualTo(done);
        assertThat(runs.get()).isEqualTo(2);
    }

    @Test
    void givenAtMostOnce_aCallLostWithItsNodeFailsAndNeverRunsAgain() throws Exception {
        HeldCode hold = holding("hold", "1");
        FunctionId id = register("atmostonce", "hold", VersionOptions.DEFAULT.withMaxAttempts(0));
        ActivationService nodeA = node("node-a", 2);
        ActivationService nodeB = node("node-b", 2);
        ActivationId call = nodeA.submit(InvokeAsyncCommand.of(id, "{}")).id();
        assertThat(store.find(call).orElseThrow().maxAttempts()).isEqualTo(1);
        nodeA.dispatchOnce();
        assertThat(hold.held().await(10, TimeUnit.SECONDS)).isTrue();

        clock.advance(LEASE.plusSeconds(1));
        nodeB.dispatchOnce();

        Activation failed = store.find(call).orElseThrow();
        assertThat(failed.status()).isEqualTo(ActivationStatus.FAILED);
        assertThat(failed.outcome().problemType()).isEqualTo(ActivationOutcome.NODE_LOST);
        assertThat(ended).extracting(Activation::id).contains(call);
        hold.release().countDown();
        await().until(() -> nodeA.runningHere() == 0);
        assertThat(hold.runs().get()).isEqualTo(1);
    }

    @Test
    void givenRenewals_aLongCallKeepsItsLeaseAndIsNotTakenOver() throws Exception {
        HeldCode hold = holding("long", "1");
        FunctionId id = register("long", "long");
        ActivationService nodeA = node("node-a", 2);
        ActivationService nodeB = node("node-b", 2);
        ActivationId call = nodeA.submit(InvokeAsyncCommand.of(id, "{}")).id();
        nodeA.dispatchOnce();
        assertThat(hold.held().await(10, TimeUnit.SECONDS)).isTrue();

        for (int i = 0; i < 5; i++) {
            clock.advance(LEASE.dividedBy(2));
            nodeA.renewLeases(clock.instant());
            nodeB.dispatchOnce();
        }

        assertThat(store.find(call).orElseThrow().status()).isEqualTo(ActivationStatus.RUNNING);
        assertThat(store.find(call).orElseThrow().nodeId()).isEqualTo("node-a");
        hold.release().countDown();
        assertThat(awaitFinal(call).attempt()).isEqualTo(1);
    }

    @Test
    void aFunctionError_endsTheCallFailed_andIsNotRetried() {
        AtomicInteger runs = new AtomicInteger();
        runtime.whenCode("boom", params -> {
            runs.incrementAndGet();
            throw new FunctionRaisedException("ValueError", "no luck", "Traceback ...", "printed");
        });
        FunctionId id = register("boom", "boom");
        ActivationService node = node("node-a", 2).start();

        Activation done = awaitFinal(node.submit(InvokeAsyncCommand.of(id, "{}")).id());

        assertThat(done.status()).isEqualTo(ActivationStatus.FAILED);
        assertThat(done.outcome().problemType()).isEqualTo("function-error");
        assertThat(done.outcome().problemDetail()).isEqualTo("ValueError: no luck");
        assertThat(done.outcome().logs()).isEqualTo("printed");
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void givenNoRoomInThePool_theCallGoesBackToTheQueueUncounted_andRunsWhenRoomFrees() throws Exception {
        HeldCode hold = holding("busy", "\"sync\"");
        FunctionId busy = register("busy", "busy");
        FunctionId echo = register("echo", "echo");
        ActivationService node = node("node-a", 2, 1, Duration.ofMillis(50));
        InvokeAsyncUseCase.Recorded[] syncResult = new InvokeAsyncUseCase.Recorded[1];
        CompletableFuture<Void> sync = CompletableFuture.runAsync(() ->
                syncResult[0] = node.invokeRecorded(new InvokeFunctionCommand(busy, "{}")), background);
        assertThat(hold.held().await(10, TimeUnit.SECONDS)).isTrue();
        ActivationId call = node.submit(InvokeAsyncCommand.of(echo, "{}")).id();

        node.dispatchOnce();
        await().until(() -> store.find(call).orElseThrow().status() == ActivationStatus.QUEUED
                && node.runningHere() == 0);
        assertThat(store.find(call).orElseThrow().attempt()).isZero();

        hold.release().countDown();
        sync.get(10, TimeUnit.SECONDS);
        node.dispatchOnce();
        Activation done = awaitFinal(call);
        assertThat(done.status()).isEqualTo(ActivationStatus.SUCCEEDED);
        assertThat(done.attempt()).isEqualTo(1);
        Activation recorded = store.find(syncResult[0].activationId()).orElseThrow();
        assertThat(recorded.async()).isFalse();
        assertThat(recorded.outcome().resultJson()).isEqualTo("\"sync\"");
    }

    @Test
    void givenNoInstanceWouldStart_theCallGoesBackToTheQueueUncounted_andRunsOnceOneStarts() {
        FunctionId id = register("echo", "echo");
        runtime.failNextStart(new UnableToStartInstanceException("the engine is busy", ""));
        ActivationService node = node("node-a", 2);
        ActivationId call = node.submit(InvokeAsyncCommand.of(id, "{}")).id();

        node.dispatchOnce();
        await().until(() -> store.find(call).orElseThrow().status() == ActivationStatus.QUEUED
                && node.runningHere() == 0);
        assertThat(store.find(call).orElseThrow().attempt()).isZero();

        node.dispatchOnce();
        Activation done = awaitFinal(call);
        assertThat(done.status()).isEqualTo(ActivationStatus.SUCCEEDED);
        assertThat(done.attempt()).isEqualTo(1);
    }

    @Test
    void invokeRecorded_recordsAFailureAndRethrowsIt() {
        runtime.whenCode("boom", params -> {
            throw new FunctionRaisedException("KeyError", "k", "", "");
        });
        FunctionId id = register("boom", "boom");
        ActivationService node = node("node-a", 2);

        assertThatThrownBy(() -> node.invokeRecorded(new InvokeFunctionCommand(id, "{}")))
                .isInstanceOf(FunctionRaisedException.class);

        assertThat(store.stats().byStatus().get(ActivationStatus.FAILED)).isEqualTo(1);
        assertThat(ended).singleElement().satisfies(activation -> {
            assertThat(activation.async()).isFalse();
            assertThat(activation.outcome().problemType()).isEqualTo("function-error");
        });
    }

    @Test
    void housekeeping_expiresCallsQueuedTooLong_andPrunesRecordsPastTheirRetention() {
        FunctionId id = register("echo", "echo");
        ActivationService node = node("node-a", 2);
        ActivationId old = node.submit(InvokeAsyncCommand.of(id, "{}")).id();
        clock.advance(AsyncSettings.DEFAULT_MAX_QUEUE_AGE.plusSeconds(1));

        node.dispatchOnce();

        assertThat(store.find(old).orElseThrow().status()).isEqualTo(ActivationStatus.EXPIRED);
        clock.advance(AsyncSettings.DEFAULT_RETENTION.plusSeconds(1));
        node.dispatchOnce();
        assertThat(store.find(old)).isEmpty();
        assertThatThrownBy(() -> node.activation(old)).isInstanceOf(ActivationNotFoundException.class);
    }
}
