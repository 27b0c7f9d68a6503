package dev.faas.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationId;
import dev.faas.ports.model.ActivationOutcome;
import dev.faas.ports.model.ActivationQuery;
import dev.faas.ports.model.ActivationStatus;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.StartKind;
import dev.faas.ports.out.ActivationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ActivationStore} must show; subclass it once per implementation (in memory, H2,
 * PostgreSQL). Each test uses function names of its own and first ends whatever an earlier test left queued, so
 * stores that keep one database across tests pass too.
 */
public abstract class ActivationStoreContract {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    /** The store under test; called before each test. */
    protected abstract ActivationStore createStore();

    private ActivationStore store;
    private String prefix;

    @BeforeEach
    void openStoreAndDrainTheQueue() {
        store = createStore();
        prefix = "f" + UUID.randomUUID().toString().substring(0, 8);
        Instant far = Instant.parse("2100-01-01T00:00:00Z");
        store.recover(far, Instant.MIN, Integer.MAX_VALUE);
        List<Activation> left;
        while (!(left = store.claim("drain", 100, far, far.plusSeconds(60))).isEmpty()) {
            left.forEach(activation -> store.finish(activation.id(), "drain", activation.attempt(),
                    ActivationOutcome.withoutRun(ActivationStatus.FAILED, "drained", "drained", far)));
        }
    }

    private FunctionId function(String suffix) {
        return FunctionId.of(prefix + suffix, 1);
    }

    private Activation queue(FunctionId id, Instant at, int maxAttempts) {
        Activation activation = Activation.queued(id, "{\"n\":1}", at, maxAttempts, null);
        store.add(activation);
        return activation;
    }

    private static ActivationOutcome success(Instant at) {
        return new ActivationOutcome(ActivationStatus.SUCCEEDED, "{\"ok\":true}", null, null, "printed\n",
                StartKind.COLD, Duration.ofMillis(12), Duration.ofMillis(34), at);
    }

    @Test
    void givenAddedActivation_find_returnsItAsStored() {
        Activation queued = Activation.queued(function("a"), "{\"name\":\"W\\u00f6rld\"}", T0, 2,
                "https://example.test/hook");
        store.add(queued);

        assertThat(store.find(queued.id())).contains(queued);
        assertThat(store.find(ActivationId.random())).isEmpty();
    }

    @Test
    void theCreatingKey_isKeptThroughEveryChange_andListsFilterByIt() {
        FunctionId a = function("owned");
        Activation mine = Activation.queued(a, "{}", T0, 2, null).withCreatedBy("key_mine");
        Activation theirs = Activation.queued(a, "{}", T0.plusMillis(1), 2, null).withCreatedBy("key_theirs");
        Activation nobodys = Activation.queued(a, "{}", T0.plusMillis(2), 2, null);
        store.add(mine);
        store.add(theirs);
        store.add(nobodys);

        List<Activation> claimed = store.claim("node-a", 3, T0.plusSeconds(1), T0.plusSeconds(31));
        claimed.forEach(activation -> store.finish(activation.id(), "node-a", activation.attempt(),
                success(T0.plusSeconds(2))));

        assertThat(store.find(mine.id()).orElseThrow().createdBy()).isEqualTo("key_mine");
        assertThat(store.find(mine.id()).orElseThrow().status()).isEqualTo(ActivationStatus.SUCCEEDED);
        assertThat(store.find(nobodys.id()).orElseThrow().createdBy()).isNull();
        assertThat(store.list(new ActivationQuery(a.name(), null, null, 10, "key_mine")))
                .extracting(Activation::id).containsExactly(mine.id());
        assertThat(store.list(new ActivationQuery(null, ActivationStatus.SUCCEEDED, null, 10, "key_theirs")))
                .extracting(Activation::id).containsExactly(theirs.id());
        assertThat(store.list(new ActivationQuery(a.name(), null, null, 10))).hasSize(3);
    }

    @Test
    void queuedFor_countsOnlyTheFunctionsCallsStillWaiting_overAllItsVersions() {
        FunctionId a1 = function("q");
        FunctionId a2 = FunctionId.of(a1.name().value(), 2);
        queue(a1, T0, 2);
        queue(a2, T0.plusMillis(1), 2);
        queue(function("other"), T0.plusMillis(2), 2);
        assertThat(store.queuedFor(a1.name().value())).isEqualTo(2);

        Activation claimed = store.claim("node-a", 1, T0.plusSeconds(1), T0.plusSeconds(31)).get(0);
        assertThat(claimed.functionId()).isEqualTo(a1);
        assertThat(store.queuedFor(a1.name().value())).as("a running call no longer waits").isEqualTo(1);
        store.finish(claimed.id(), "node-a", claimed.attempt(), success(T0.plusSeconds(2)));
        assertThat(store.queuedFor(a1.name().value())).isEqualTo(1);
        assertThat(store.queuedFor(prefix + "none")).isZero();
    }

    @Test
    void givenQueuedCalls_claim_takesTheOldestFirstAndMarksThemRunningOnTheNode() {
        Activation first = queue(function("a"), T0, 2);
        Activation second = queue(function("b"), T0.plusMillis(1), 2);
        Activation third = queue(function("a"), T0.plusMillis(2), 2);

        List<Activation> claimed = store.claim("node-1", 2, T0.plusSeconds(1), T0.plusSeconds(31));

        assertThat(claimed).extracting(Activation::id).containsExactly(first.id(), second.id());
        Activation running = store.find(first.id()).orElseThrow();
        assertThat(running.status()).isEqualTo(ActivationStatus.RUNNING);
        assertThat(running.nodeId()).isEqualTo("node-1");
        assertThat(running.attempt()).isEqualTo(1);
        assertThat(running.startedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(running.leaseUntil()).isEqualTo(T0.plusSeconds(31));
        assertThat(claimed.get(0)).isEqualTo(running);
        assertThat(store.claim("node-2", 5, T0.plusSeconds(2), T0.plusSeconds(32)))
                .extracting(Activation::id).containsExactly(third.id());
        assertThat(store.claim("node-2", 5, T0.plusSeconds(2), T0.plusSeconds(32))).isEmpty();
    }

    @Test
    void givenManyNodesClaimingAtOnce_eachActivationIsTakenOnce() throws Exception {
        List<ActivationId> queued = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            queued.add(queue(function("c" + (i % 5)), T0.plusMillis(i), 2).id());
        }

        List<List<Activation>> claims = Concurrently.run(8, thread -> {
            List<Activation> mine = new ArrayList<>();
            List<Activation> batch;
            while (!(batch = store.claim("node-" + thread, 3, T0, T0.plus(LEASE))).isEmpty()) {
                mine.addAll(batch);
            }
            return mine;
        });

        List<ActivationId> taken = claims.stream().flatMap(List::stream).map(Activation::id).toList();
        assertThat(taken).hasSize(200).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(queued);
    }

    @Test
    void finish_isRefusedToANodeThatNoLongerHoldsTheRun() {
        Activation queued = queue(function("a"), T0, 2);
        Activation run = store.claim("node-1", 1, T0, T0.plus(LEASE)).get(0);

        assertThat(store.finish(run.id(), "node-2", 1, success(T0.plusSeconds(1)))).isFalse();
        assertThat(store.finish(run.id(), "node-1", 2, success(T0.plusSeconds(1)))).isFalse();
        assertThat(store.finish(run.id(), "node-1", 1, success(T0.plusSeconds(1)))).isTrue();
        assertThat(store.finish(run.id(), "node-1", 1, success(T0.plusSeconds(2)))).as("once only").isFalse();

        Activation ended = store.find(queued.id()).orElseThrow();
        assertThat(ended.status()).isEqualTo(ActivationStatus.SUCCEEDED);
        assertThat(ended.outcome()).isEqualTo(success(T0.plusSeconds(1)));
        assertThat(ended.leaseUntil()).isNull();
        assertThat(ended.nodeId()).isEqualTo("node-1");
    }

    @Test
    void givenLeaseRunOut_recover_queuesTheCallAgainInItsPlace_thenFailsItAfterItsLastAttempt() {
        Activation lost = queue(function("a"), T0, 2);
        Activation later = queue(function("a"), T0.plusMillis(5), 2);
        store.claim("node-1", 1, T0, T0.plus(LEASE));

        assertThat(store.recover(T0.plus(LEASE).minusMillis(1), Instant.MIN, 100)).as("lease still held").isEmpty();
        assertThat(store.find(lost.id()).orElseThrow().status()).isEqualTo(ActivationStatus.RUNNING);

        Instant afterLease = T0.plus(LEASE).plusMillis(1);
        assertThat(store.recover(afterLease, Instant.MIN, 100)).as("requeued, not ended").isEmpty();
        Activation requeued = store.find(lost.id()).orElseThrow();
        assertThat(requeued.status()).isEqualTo(ActivationStatus.QUEUED);
        assertThat(requeued.attempt()).isEqualTo(1);
        assertThat(store.finish(lost.id(), "node-1", 1, success(afterLease))).as("the dead node's late end").isFalse();

        Activation second = store.claim("node-2", 1, afterLease, afterLease.plus(LEASE)).get(0);
        assertThat(second.id()).as("ahead of the later call").isEqualTo(lost.id());
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.nodeId()).isEqualTo("node-2");

        Instant afterSecondLease = afterLease.plus(LEASE).plusMillis(1);
        List<Activation> ended = store.recover(afterSecondLease, Instant.MIN, 100);
        assertThat(ended).extracting(Activation::id).containsExactly(lost.id());
        Activation failed = store.find(lost.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(ActivationStatus.FAILED);
        assertThat(failed.attempt()).isEqualTo(2);
        assertThat(failed.outcome().problemType()).isEqualTo(ActivationOutcome.NODE_LOST);
        assertThat(failed.outcome().endedAt()).isEqualTo(afterSecondLease);
        assertThat(ended.get(0)).isEqualTo(failed);
        assertThat(store.find(later.id()).orElseThrow().status()).isEqualTo(ActivationStatus.QUEUED);
    }

    @Test
    void givenAtMostOnce_recover_failsALostCallWithoutRunningItAgain() {
        Activation once = queue(function("a"), T0, 1);
        store.claim("node-1", 1, T0, T0.plus(LEASE));

        assertThat(store.recover(T0.plus(LEASE).plusSeconds(1), Instant.MIN, 100)).hasSize(1);

        assertThat(store.find(once.id()).orElseThrow().status()).isEqualTo(ActivationStatus.FAILED);
        assertThat(store.claim("node-2", 10, T0.plus(LEASE), T0.plus(LEASE).plus(LEASE))).isEmpty();
    }

    @Test
    void renew_extendsOnlyTheLeasesTheNodeHolds() {
        Activation mine = queue(function("a"), T0, 2);
        Activation theirs = queue(function("a"), T0.plusMillis(1), 2);
        store.claim("node-1", 1, T0, T0.plus(LEASE));
        store.claim("node-2", 1, T0, T0.plus(LEASE));

        int renewed = store.renew("node-1", List.of(mine.id(), theirs.id()), T0.plus(LEASE).plus(LEASE));

        assertThat(renewed).isEqualTo(1);
        assertThat(store.recover(T0.plus(LEASE).plusSeconds(1), Instant.MIN, 100)).isEmpty();
        assertThat(store.find(mine.id()).orElseThrow().status()).isEqualTo(ActivationStatus.RUNNING);
        assertThat(store.find(theirs.id()).orElseThrow().status()).isEqualTo(ActivationStatus.QUEUED);
    }

    @Test
    void requeue_putsTheCallBackInItsPlaceWithoutCountingTheRun() {
        Activation first = queue(function("a"), T0, 2);
        queue(function("a"), T0.plusMillis(1), 2);
        Activation run = store.claim("node-1", 1, T0, T0.plus(LEASE)).get(0);

        assertThat(store.requeue(run.id(), "node-2", 1)).isFalse();
        assertThat(store.requeue(run.id(), "node-1", 1)).isTrue();

        Activation again = store.claim("node-1", 1, T0, T0.plus(LEASE)).get(0);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.attempt()).isEqualTo(1);
    }

    @Test
    void recover_expiresCallsQueuedTooLong() {
        Activation old = queue(function("a"), T0, 2);
        Activation fresh = queue(function("a"), T0.plusSeconds(10), 2);

        List<Activation> ended = store.recover(T0.plusSeconds(20), T0.plusSeconds(5), 100);

        assertThat(ended).extracting(Activation::id).containsExactly(old.id());
        assertThat(store.find(old.id()).orElseThrow().status()).isEqualTo(ActivationStatus.EXPIRED);
        assertThat(store.find(old.id()).orElseThrow().outcome().problemType()).isEqualTo(ActivationOutcome.EXPIRED);
        assertThat(store.find(fresh.id()).orElseThrow().status()).isEqualTo(ActivationStatus.QUEUED);
    }

    @Test
    void list_pagesNewestFirst_filteredByFunctionAndStatus() {
        List<Activation> ofA = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ofA.add(queue(function("a"), T0.plusMillis(i), 2));
            queue(function("b"), T0.plusMillis(i), 2);
        }
        FunctionName a = function("a").name();

        List<Activation> firstPage = store.list(new ActivationQuery(a, null, null, 2));
        List<Activation> secondPage = store.list(new ActivationQuery(a, null, firstPage.get(1).id(), 2));
        List<Activation> lastPage = store.list(new ActivationQuery(a, null, secondPage.get(1).id(), 2));

        assertThat(firstPage).extracting(Activation::id).containsExactly(ofA.get(4).id(), ofA.get(3).id());
        assertThat(secondPage).extracting(Activation::id).containsExactly(ofA.get(2).id(), ofA.get(1).id());
        assertThat(lastPage).extracting(Activation::id).containsExactly(ofA.get(0).id());
        assertThat(store.list(new ActivationQuery(a, ActivationStatus.SUCCEEDED, null, 10))).isEmpty();
        assertThat(store.list(new ActivationQuery(a, ActivationStatus.QUEUED, null, 10))).hasSize(5);
        assertThat(store.list(new ActivationQuery(null, null, null, 3))).hasSize(3);
        assertThat(store.list(new ActivationQuery(a, null, ActivationId.random(), 10))).as("unknown cursor").isEmpty();
    }

    @Test
    void delete_removesTheRecord_andAQueuedCallNeverRuns() {
        Activation queued = queue(function("a"), T0, 2);

        assertThat(store.delete(queued.id())).isTrue();
        assertThat(store.delete(queued.id())).isFalse();

        assertThat(store.find(queued.id())).isEmpty();
        assertThat(store.claim("node-1", 10, T0, T0.plus(LEASE))).isEmpty();
    }

    @Test
    void pruneEndedBefore_deletesOnlyEndedRecordsOlderThanTheCutoff_inBatches() {
        // Long before every other test's records, so a store shared between tests holds none older than the cutoff.
        Instant longAgo = Instant.parse("2001-01-01T00:00:00Z");
        Set<ActivationId> old = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            Activation recorded = Activation.recordedSync(function("p"), "{}", longAgo, "node-1",
                    success(longAgo.plusSeconds(i)));
            store.add(recorded);
            old.add(recorded.id());
        }
        Activation recent = Activation.recordedSync(function("p"), "{}", longAgo, "node-1",
                success(longAgo.plusSeconds(100)));
        store.add(recent);
        Activation waiting = queue(function("p"), longAgo, 2);

        assertThat(store.pruneEndedBefore(longAgo.plusSeconds(50), 3)).isEqualTo(3);
        assertThat(store.pruneEndedBefore(longAgo.plusSeconds(50), 3)).isEqualTo(2);
        assertThat(store.pruneEndedBefore(longAgo.plusSeconds(50), 3)).isZero();

        old.forEach(id -> assertThat(store.find(id)).isEmpty());
        assertThat(store.find(recent.id())).isPresent();
        assertThat(store.find(waiting.id())).isPresent();
    }

    @Test
    void stats_countTheQueueAndItsOldestCall() {
        long queuedBefore = store.stats().queued();
        queue(function("s"), T0.minusSeconds(60), 2);
        queue(function("s"), T0, 2);
        store.add(Activation.recordedSync(function("s"), "{}", T0, "node-1", success(T0)));

        var stats = store.stats();

        assertThat(stats.queued()).isEqualTo(queuedBefore + 2);
        assertThat(stats.oldestQueuedAt()).isEqualTo(T0.minusSeconds(60));
        assertThat(stats.byStatus().get(ActivationStatus.SUCCEEDED)).isPositive();
    }
}
