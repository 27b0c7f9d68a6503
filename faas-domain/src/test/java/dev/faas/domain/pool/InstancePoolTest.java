package dev.faas.domain.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.faas.ports.error.CapacityExceededException;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.StartKind;
import dev.faas.ports.out.Instance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Each path of the pool, driven with the fake runtime; starts are held and let go by the test, never timed. */
class InstancePoolTest extends PoolFixture {

    @Test
    void givenReleasedInstance_nextAcquire_reusesItWarm() {
        usePool(new PoolSettings(4, Duration.ofSeconds(5)));
        InstancePool.Lease first = pool.acquire(version("a", 256, 10));
        Instance instance = first.instance();
        first.release();

        InstancePool.Lease second = pool.acquire(version("a", 256, 10));

        assertThat(first.startKind()).isEqualTo(StartKind.COLD);
        assertThat(second.startKind()).isEqualTo(StartKind.WARM);
        assertThat(second.instance()).isSameAs(instance);
        assertThat(runtime.starts()).isEqualTo(1);
    }

    @Test
    void givenColdStart_theLeaseCarriesTheInstanceThePoolStarted() {
        usePool(new PoolSettings(4, Duration.ofSeconds(5)));

        InstancePool.Lease lease = pool.acquire(version("a", 256, 10));

        assertThat(lease.startKind()).isEqualTo(StartKind.COLD);
        assertThat(lease.instance()).isNotNull();
        assertThat(runtime.running()).containsExactly(lease.instance().id());
        assertThat(runtime.inits()).as("loading the code is the caller's part").isZero();
    }

    @Test
    void givenStock_firstCall_takesAPrewarmedInstance_andTheStockIsRefilled() {
        usePool(new PoolSettings(4, Duration.ofSeconds(5), 100, 1, 256));
        await().atMost(PATIENCE).until(() -> pool.prewarmedCount() == 1);

        InstancePool.Lease lease = pool.acquire(version("a", 256, 10));

        assertThat(lease.startKind()).isEqualTo(StartKind.PREWARMED);
        await().atMost(PATIENCE).until(() -> pool.prewarmedCount() == 1);
        assertThat(runtime.starts()).isEqualTo(2);
    }

    @Test
    void givenFloorOfFour_theStockStartsInParallel() throws Exception {
        runtime.holdStarts();

        usePool(new PoolSettings(8, Duration.ofSeconds(5), 100, 4, 256));

        assertThat(runtime.awaitStartsHeld(4, PATIENCE)).as("four starts under way at once").isTrue();
        runtime.openStarts();
        await().atMost(PATIENCE).until(() -> pool.prewarmedCount() == 4);
    }

    @Test
    void givenFirstCallsDrainingTheStock_itGrowsForTheNextBurst_andShrinksBackWhenUnused() throws Exception {
        usePool(new PoolSettings(16, Duration.ofSeconds(5), 100, 1, 256, PoolSettings.UNLIMITED_MEMORY_MB, 4));
        await().atMost(PATIENCE).until(() -> pool.prewarmedCount() == 1);
        runtime.holdStarts();
        List<Future<InstancePool.Lease>> burst = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            burst.add(callers.submit(acquiring(version("f" + i, 256, 10))));
        }
        // One call took the stock instance; the other three start cold, and the stock refills as they do. Every call
        // has been placed once the target counts three misses: only then may starts (refills included) finish, or a
        // late call could find a refilled stock instance.
        await().atMost(PATIENCE).until(() -> pool.prewarmTarget() == 4);
        assertThat(runtime.awaitStartsHeld(3, PATIENCE)).isTrue();
        runtime.openStarts();
        List<StartKind> kinds = new ArrayList<>();
        for (Future<InstancePool.Lease> call : burst) {
            kinds.add(call.get(10, TimeUnit.SECONDS).startKind());
        }
        assertThat(kinds).containsExactlyInAnyOrder(StartKind.PREWARMED, StartKind.COLD, StartKind.COLD,
                StartKind.COLD);

        assertThat(pool.prewarmTarget()).as("three misses: from the floor of 1 to the ceiling of 4").isEqualTo(4);
        await().atMost(PATIENCE).until(() -> pool.prewarmedCount() == 4);

        clock.advance(Duration.ofMinutes(6));
        assertThat(pool.shrinkStock(Duration.ofMinutes(5))).isEqualTo(3);
        assertThat(pool.prewarmTarget()).isEqualTo(1);
        await().atMost(PATIENCE).until(() -> pool.prewarmedCount() == 1 && runtime.running().size() == 5);
    }

    @Test
    void givenFullNode_callOfAnotherVersion_stopsTheLeastRecentlyUsedIdleInstanceBeforeStarting() {
        usePool(new PoolSettings(2, Duration.ofSeconds(5)));
        pool.acquire(version("a", 256, 10)).release();
        clock.advance(Duration.ofSeconds(1));
        pool.acquire(version("b", 256, 10)).release();

        InstancePool.Lease c = pool.acquire(version("c", 256, 10));

        assertThat(c.startKind()).isEqualTo(StartKind.COLD);
        assertThat(runtime.stops()).isEqualTo(1);
        assertThat(runtime.maxRunningSeen()).isEqualTo(2);
        assertThat(pool.acquire(version("b", 256, 10)).startKind()).isEqualTo(StartKind.WARM);
    }

    @Test
    void givenEviction_theReservedRoomNeverPassesTheNodesLimits_evenWhileTheVictimsStop() {
        List<Long> reservedSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Integer> countSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.faas.ports.out.FunctionRuntime watched = new dev.faas.ports.out.FunctionRuntime() {
            @Override
            public String name() {
                return runtime.name();
            }

            @Override
            public Instance start(dev.faas.ports.out.InstanceSpec spec) {
                reservedSeen.add(pool.reservedMemoryMb());
                countSeen.add(pool.instanceCount());
                return runtime.start(spec);
            }

            @Override
            public void init(Instance instance, FunctionDefinition definition) {
                runtime.init(instance, definition);
            }

            @Override
            public dev.faas.ports.out.RunOutput run(Instance instance, String paramsJson, Duration timeout) {
                return runtime.run(instance, paramsJson, timeout);
            }

            @Override
            public void stop(Instance instance) {
                reservedSeen.add(pool.reservedMemoryMb());
                countSeen.add(pool.instanceCount());
                runtime.stop(instance);
            }

            @Override
            public List<String> running() {
                return runtime.running();
            }

            @Override
            public void close() {
                runtime.close();
            }
        };
        pool = new InstancePool(watched, new PoolSettings(2, Duration.ofSeconds(5), 100, 0, 256, 512), clock,
                background);
        pool.acquire(version("a", 256, 10)).release();
        clock.advance(Duration.ofSeconds(1));
        pool.acquire(version("b", 256, 10)).release();

        InstancePool.Lease whole = pool.acquire(version("c", 512, 10));

        assertThat(whole.startKind()).isEqualTo(StartKind.COLD);
        assertThat(runtime.stops()).isEqualTo(2);
        assertThat(reservedSeen).as("reserved MB at each start and stop").allSatisfy(mb ->
                assertThat(mb).isLessThanOrEqualTo(512));
        assertThat(countSeen).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(2));
        assertThat(pool.reservedMemoryMb()).isEqualTo(512);
        assertThat(pool.instanceCount()).isEqualTo(1);
    }

    @Test
    void givenVersionAtItsMaximum_releaseWakesTheWaitingCall_withTheSameInstance() throws Exception {
        usePool(new PoolSettings(4, Duration.ofSeconds(30)));
        InstancePool.Lease held = pool.acquire(version("a", 256, 1));
        Future<InstancePool.Lease> waiting = queuedCall(version("a", 256, 1));

        held.release();

        InstancePool.Lease handedOn = waiting.get(10, TimeUnit.SECONDS);
        assertThat(handedOn.startKind()).isEqualTo(StartKind.WARM);
        assertThat(handedOn.instance()).isSameAs(held.instance());
    }

    @Test
    void givenNodeFullOfBusyInstances_roomFreedByAnotherVersion_wakesTheWaitingCall() throws Exception {
        usePool(new PoolSettings(1, Duration.ofSeconds(30)));
        InstancePool.Lease held = pool.acquire(version("a", 256, 10));
        Future<InstancePool.Lease> waiting = queuedCall(version("b", 256, 10));

        held.discard();

        assertThat(waiting.get(10, TimeUnit.SECONDS).startKind()).isEqualTo(StartKind.COLD);
        assertThat(runtime.maxRunningSeen()).isEqualTo(1);
    }

    @Test
    void givenCallWaitingForRoom_aStreamOfCallsOfAnotherVersion_doesNotStarveIt() throws Exception {
        usePool(new PoolSettings(1, Duration.ofSeconds(3)));
        FunctionDefinition busy = version("busy", 256, 10);
        InstancePool.Lease first = pool.acquire(busy);
        AtomicBoolean streaming = new AtomicBoolean(true);
        AtomicInteger streamed = new AtomicInteger();
        Future<?> stream = callers.submit(() -> {
            while (streaming.get()) {
                try {
                    pool.acquire(busy).release();
                    streamed.incrementAndGet();
                } catch (CapacityExceededException queued) {
                    // the waiting call holds the room now
                }
            }
            return null;
        });
        Future<InstancePool.Lease> starved = callers.submit(acquiring(version("other", 256, 10)));
        await().atMost(PATIENCE).until(() -> pool.queuedCalls() >= 1);

        first.release();

        InstancePool.Lease served = starved.get(10, TimeUnit.SECONDS);
        streaming.set(false);
        assertThat(served.startKind()).isEqualTo(StartKind.COLD);
        served.release();
        stream.get(10, TimeUnit.SECONDS);
    }

    @Test
    void givenStockInstanceStarting_theCallWaitingForRoom_takesItWhenItIsReady() throws Exception {
        runtime.holdStarts();
        usePool(new PoolSettings(1, Duration.ofSeconds(30), 100, 1, 256));
        assertThat(runtime.awaitStartsHeld(1, PATIENCE)).isTrue();
        Future<InstancePool.Lease> waiting = queuedCall(version("a", 256, 10));

        runtime.releaseStarts(1);

        assertThat(waiting.get(10, TimeUnit.SECONDS).startKind()).isEqualTo(StartKind.PREWARMED);
        assertThat(runtime.starts()).isEqualTo(1);
    }

    @Test
    void givenRetiredVersion_itsWaitingCallsFailAtOnce_andItIsRefusedFromThenOn() throws Exception {
        usePool(new PoolSettings(4, Duration.ofSeconds(30)));
        FunctionDefinition a = version("a", 256, 1);
        InstancePool.Lease held = pool.acquire(a);
        Future<InstancePool.Lease> waiting = queuedCall(a);

        pool.retire(a.id());

        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(CapacityExceededException.class).hasMessageContaining("being removed");
        assertThatThrownBy(() -> pool.acquire(a)).isInstanceOf(FunctionNotFoundException.class);
        held.release();
        await().atMost(PATIENCE).until(() -> runtime.running().isEmpty() && pool.instanceCount() == 0);
    }

    @Test
    void givenVersionsRetiredLongAgo_theirIdsAreForgotten_soTheRetiredSetDoesNotGrowForever() {
        usePool(new PoolSettings(4, Duration.ofSeconds(30)));
        pool.retire(version("old", 256, 1).id());
        pool.retire(version("older", 256, 1).id());
        clock.advance(InstancePool.RETIRED_MEMORY.plusSeconds(1));

        FunctionDefinition recent = version("recent", 256, 1);
        pool.retire(recent.id());

        assertThat(pool.rememberedRetiredIds()).isEqualTo(1);
        assertThatThrownBy(() -> pool.acquire(recent)).isInstanceOf(FunctionNotFoundException.class);
    }

    @Test
    void givenNothingFreesUp_theCallIsRefusedAfterTheQueueTimeout_namingWhy() {
        usePool(new PoolSettings(4, Duration.ofMillis(100)));
        pool.acquire(version("a", 256, 1));

        assertThatThrownBy(() -> pool.acquire(version("a", 256, 1)))
                .isInstanceOfSatisfying(CapacityExceededException.class,
                        e -> assertThat(e.retryAfter()).isPositive())
                .hasMessageContaining("at its limit of 1 instances");
        assertThat(pool.queuedCalls()).isZero();
    }

    @Test
    void givenStartFailure_itsRoomIsFreed_andTheWaitingCallGetsIt() throws Exception {
        usePool(new PoolSettings(1, Duration.ofSeconds(30)));
        runtime.holdStarts();
        runtime.failNextStart(new UnableToStartInstanceException("no engine", ""));
        Future<InstancePool.Lease> failing = callers.submit(acquiring(version("a", 256, 10)));
        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnableToStartInstanceException.class);
        assertThat(pool.instanceCount()).isZero();
        runtime.openStarts();

        assertThat(pool.acquire(version("a", 256, 10)).startKind()).isEqualTo(StartKind.COLD);
    }

    @Test
    void givenStock_codeCheck_usesAStockInstance_andNeverGivesItBack() {
        usePool(new PoolSettings(4, Duration.ofSeconds(5), 100, 1, 256));
        await().atMost(PATIENCE).until(() -> pool.prewarmedCount() == 1);
        String stockInstance = runtime.running().get(0);
        List<String> checkedIn = new ArrayList<>();

        pool.withThrowawayInstance(FunctionId.parse("check-1"), 256, lease -> {
            assertThat(lease.startKind()).isEqualTo(StartKind.PREWARMED);
            checkedIn.add(lease.instance().id());
        });

        assertThat(checkedIn).containsExactly(stockInstance);
        await().atMost(PATIENCE).until(() -> pool.prewarmedCount() == 1 && runtime.stops() == 1);
        assertThat(runtime.running()).doesNotContain(stockInstance);
        assertThat(pool.snapshots()).extracting(InstanceSnapshot::instanceId).doesNotContain(stockInstance);
    }

    @Test
    void givenEmptyStock_codeCheck_startsAnInstanceWithoutAVersion_andStopsIt() {
        usePool(new PoolSettings(4, Duration.ofSeconds(5)));

        pool.withThrowawayInstance(FunctionId.parse("check-1"), 256,
                lease -> assertThat(lease.startKind()).isEqualTo(StartKind.COLD));

        assertThat(runtime.starts()).isEqualTo(1);
        await().atMost(PATIENCE).until(() -> runtime.running().isEmpty() && pool.instanceCount() == 0);
    }

    @Test
    void givenReaperSnapshot_removeIdle_stopsOnlyInstancesStillIdleAsSeen() {
        usePool(new PoolSettings(4, Duration.ofSeconds(5)));
        pool.acquire(version("a", 256, 10)).release();
        List<InstanceSnapshot> seen = pool.snapshots();
        clock.advance(Duration.ofSeconds(1));
        pool.acquire(version("a", 256, 10)).release();

        assertThat(pool.removeIdle(seen)).as("used since the snapshot").isZero();
        assertThat(pool.removeIdle(pool.snapshots())).isEqualTo(1);
        await().atMost(PATIENCE).until(() -> pool.instanceCount() == 0);
    }

    private static FunctionDefinition version(String name, int memoryMb, int maxInstances) {
        return new FunctionDefinition(FunctionId.parse(name + "-1"), "echo", "user_function",
                new FunctionLimits(Duration.ofSeconds(5), memoryMb, maxInstances), java.time.Instant.EPOCH, "sha");
    }
}
