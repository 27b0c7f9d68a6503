package dev.faas.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyRecord;
import dev.faas.ports.model.Change;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.NewFunctionVersion;
import dev.faas.ports.out.ApiKeyRepository;
import dev.faas.ports.out.ChangeFeed;
import dev.faas.ports.out.FunctionRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link ChangeFeed} must show, with the repositories that write to it; subclass it once per
 * implementation. Tests look only at the changes made after they start, with names and ids of their own, so
 * implementations that keep one database across tests pass too.
 */
public abstract class ChangeFeedContract {

    private static final FunctionLimits LIMITS = new FunctionLimits(Duration.ofSeconds(60), 256, 8);
    private static final Instant CREATED_AT = Instant.parse("2024-02-29T23:59:58.123Z");

    /** The repositories of one store and the feed they write to, with the node id they write into it. */
    public record Store(FunctionRepository functions, ApiKeyRepository apiKeys, ChangeFeed feed, String nodeId) {
    }

    /** The store under test; called before each test. */
    protected abstract Store createStore();

    /** Whether {@link ChangeFeed#awaitChanges} returns early when a change is made; false where it only sleeps. */
    protected boolean notifiesPromptly() {
        return true;
    }

    private Store store;
    private long before;

    @BeforeEach
    void createStoreUnderTest() {
        store = createStore();
        before = store.feed().latestSequence();
    }

    @Test
    void givenNewVersion_add_recordsOneFunctionRegisteredChangeNamingItAndTheNode() {
        FunctionName name = uniqueName("added");
        FunctionDefinition first = store.functions().add(newVersion(name, "a"));
        FunctionDefinition second = store.functions().add(newVersion(name, "b"));

        List<Change> changes = changesSinceStart();
        assertThat(changes).extracting(Change::kind, Change::subject, Change::nodeId).containsExactly(
                tuple(Change.FUNCTION_REGISTERED, first.id().toString(), store.nodeId()),
                tuple(Change.FUNCTION_REGISTERED, second.id().toString(), store.nodeId()));
        assertThat(store.feed().latestSequence()).isEqualTo(changes.get(1).seq());
    }

    @Test
    void givenDeletedVersion_changesAfter_returnsOneFunctionDeletedChangeNamingItAndTheNode() {
        FunctionDefinition version = store.functions().add(newVersion(uniqueName("gone"), "a"));
        startHere();
        Instant start = Instant.now();

        assertThat(store.functions().delete(version.id())).isTrue();

        List<Change> changes = changesSinceStart();
        assertThat(changes).hasSize(1);
        Change change = changes.get(0);
        assertThat(change.seq()).isGreaterThan(before);
        assertThat(change.kind()).isEqualTo(Change.FUNCTION_DELETED);
        assertThat(change.subject()).isEqualTo(version.id().toString());
        assertThat(change.nodeId()).isEqualTo(store.nodeId());
        // The store's clock, which may differ a little from this one.
        assertThat(change.at()).isBetween(start.minusSeconds(60), Instant.now().plusSeconds(60));
        assertThat(store.feed().latestSequence()).isEqualTo(change.seq());
    }

    @Test
    void givenUnknownVersion_delete_recordsNothing() {
        FunctionName name = uniqueName("never");
        store.functions().add(newVersion(name, "a"));
        startHere();

        assertThat(store.functions().delete(new FunctionId(name, 2))).isFalse();
        assertThat(store.functions().deleteAll(uniqueName("nobody"))).isEmpty();

        assertThat(changesSinceStart()).isEmpty();
        assertThat(store.feed().latestSequence()).isEqualTo(before);
    }

    @Test
    void givenSeveralVersions_deleteAll_recordsOneChangePerVersionStillLive_inOrder() {
        FunctionName name = uniqueName("many");
        FunctionDefinition first = store.functions().add(newVersion(name, "1"));
        FunctionDefinition second = store.functions().add(newVersion(name, "2"));
        FunctionDefinition third = store.functions().add(newVersion(name, "3"));
        startHere();
        store.functions().delete(second.id());

        store.functions().deleteAll(name);

        List<Change> changes = changesSinceStart();
        assertThat(changes).extracting(Change::kind).containsOnly(Change.FUNCTION_DELETED);
        assertThat(changes).extracting(Change::subject)
                .containsExactly(second.id().toString(), first.id().toString(), third.id().toString());
        assertThat(changes).extracting(Change::seq).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void givenNewKey_add_recordsItsCreation_andAnAddOfTheSameHashRecordsNothing() {
        ApiKeyRecord key = newKey();
        String hash = ApiKeyRepositoryContract.uniqueHash();

        assertThat(store.apiKeys().add(key, hash)).isTrue();
        assertThat(store.apiKeys().add(newKey(), hash)).isFalse();

        assertThat(changesSinceStart()).extracting(Change::kind, Change::subject, Change::nodeId)
                .containsExactly(tuple(Change.API_KEY_CREATED, key.id().value(),
                        store.nodeId()));
    }

    @Test
    void givenKey_revoke_recordsItsRevocationOnce_andUnknownKeysNothing() {
        ApiKeyRecord key = newKey();
        store.apiKeys().add(key, ApiKeyRepositoryContract.uniqueHash());
        long afterAdd = store.feed().latestSequence();

        store.apiKeys().revoke(key.id(), CREATED_AT.plusSeconds(1));
        store.apiKeys().revoke(key.id(), CREATED_AT.plusSeconds(2));
        store.apiKeys().revoke(ApiKeyRepositoryContract.uniqueId(), CREATED_AT);

        assertThat(store.feed().changesAfter(afterAdd, 100)).extracting(Change::kind, Change::subject)
                .containsExactly(tuple(Change.API_KEY_REVOKED, key.id().value()));
    }

    @Test
    void changesAfter_pagesInSequenceOrder_upToItsLimit() {
        FunctionName name = uniqueName("paged");
        List<FunctionId> versions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            versions.add(store.functions().add(newVersion(name, "v" + i)).id());
        }
        startHere();
        List<String> deleted = new ArrayList<>();
        for (FunctionId version : versions) {
            store.functions().delete(version);
            deleted.add(version.toString());
        }

        List<Change> firstPage = store.feed().changesAfter(before, 2);
        List<Change> secondPage = store.feed().changesAfter(firstPage.get(1).seq(), 2);
        List<Change> lastPage = store.feed().changesAfter(secondPage.get(1).seq(), 2);

        assertThat(firstPage).extracting(Change::subject).containsExactlyElementsOf(deleted.subList(0, 2));
        assertThat(secondPage).extracting(Change::subject).containsExactlyElementsOf(deleted.subList(2, 4));
        assertThat(lastPage).extracting(Change::subject).containsExactly(deleted.get(4));
        assertThat(store.feed().changesAfter(lastPage.get(0).seq(), 2)).isEmpty();
        assertThat(store.feed().latestSequence()).isEqualTo(lastPage.get(0).seq());
    }

    @Test
    void givenLimitBelowOne_changesAfter_isRefused() {
        assertThatThrownBy(() -> store.feed().changesAfter(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Sequence order must be commit order: a reader that asks only for what follows the last change it saw, while
     * writers race, must still see every change exactly once.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void givenConcurrentWriters_aReaderFollowingTheLog_seesEveryChangeOnce() throws Exception {
        int threads = 8;
        int perThread = 15;
        List<List<FunctionId>> versions = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (int thread = 0; thread < threads; thread++) {
            FunctionName name = uniqueName("race" + thread);
            List<FunctionId> ids = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                ids.add(store.functions().add(newVersion(name, "v" + i)).id());
            }
            versions.add(ids);
            ids.forEach(id -> expected.add(id.toString()));
        }
        List<ApiKeyRecord> keys = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            keys.add(newKey());
            expected.add(keys.get(thread).id().value());
        }
        long start = store.feed().latestSequence();
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<List<Change>> reader = CompletableFuture.supplyAsync(() -> follow(start, writing));

        Concurrently.run(threads, thread -> {
            store.apiKeys().add(keys.get(thread), ApiKeyRepositoryContract.uniqueHash());
            versions.get(thread).forEach(id -> store.functions().delete(id));
            return null;
        });
        writing.set(false);

        List<Change> seen = reader.get(60, TimeUnit.SECONDS);
        assertThat(seen).extracting(Change::seq).isSorted().doesNotHaveDuplicates();
        assertThat(seen).extracting(Change::subject).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void givenNothingHappens_awaitChanges_returnsAfterAboutItsMaximum() throws InterruptedException {
        store.feed().awaitChanges(Duration.ofMillis(50));
        store.feed().awaitChanges(Duration.ofMillis(200));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void givenChangeWhileAwaiting_awaitChanges_returnsLongBeforeItsMaximum() throws Exception {
        FunctionDefinition version = store.functions().add(newVersion(uniqueName("awaited"), "a"));
        if (!notifiesPromptly()) {
            // A feed without notifications only sleeps its maximum; its readers find the change by polling. The lower
            // bound is the behaviour (it waits); the upper one only a generous liveness bound, not a speed figure.
            long startNanos = System.nanoTime();
            store.feed().awaitChanges(Duration.ofMillis(200));
            store.functions().delete(version.id());
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos)).isBetween(150L, 10_000L);
            assertThat(store.feed().changesAfter(0, 10_000)).extracting(Change::subject)
                    .contains(version.id().toString());
            return;
        }
        // A first wait starts listening where listening is needed, and takes any notification still pending.
        store.feed().awaitChanges(Duration.ofMillis(100));
        FutureTask<Long> waited = awaitChangesInBackground(store.feed(), Duration.ofMinutes(5));

        store.functions().delete(version.id());

        assertThat(waited.get(45, TimeUnit.SECONDS)).isLessThan(Duration.ofMinutes(5).toMillis());
    }

    /**
     * Starts {@code feed.awaitChanges(max)} on a thread of its own and returns once that thread is inside it, so a
     * change made next happens while it waits; the task's result is how many milliseconds the wait took.
     */
    protected static FutureTask<Long> awaitChangesInBackground(ChangeFeed feed, Duration max) {
        FutureTask<Long> waited = new FutureTask<>(() -> {
            long startNanos = System.nanoTime();
            feed.awaitChanges(max);
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        });
        Thread waiter = new Thread(waited, "change-feed-waiter");
        waiter.setDaemon(true);
        waiter.start();
        Waiting.untilInside(() -> waiter, "awaitChanges");
        return waited;
    }

    private List<Change> follow(long start, AtomicBoolean writing) {
        List<Change> seen = new ArrayList<>();
        long last = start;
        while (true) {
            // Read before the query: once no writer is left, one empty answer means everything was seen.
            boolean wasWriting = writing.get();
            List<Change> batch = store.feed().changesAfter(last, 1000);
            for (Change change : batch) {
                assertThat(change.seq()).isGreaterThan(last);
                last = change.seq();
                seen.add(change);
            }
            if (!wasWriting && batch.isEmpty()) {
                return seen;
            }
        }
    }

    /** Changes made from now on are the ones {@link #changesSinceStart} returns. */
    private void startHere() {
        before = store.feed().latestSequence();
    }

    private List<Change> changesSinceStart() {
        return store.feed().changesAfter(before, 1000);
    }

    protected static FunctionName uniqueName(String base) {
        return FunctionRepositoryContract.uniqueName(base);
    }

    private static NewFunctionVersion newVersion(FunctionName name, String code) {
        return new NewFunctionVersion(name, code, "user_function", LIMITS, CREATED_AT,
                HexFormat.of().formatHex(new byte[32]));
    }

    private static ApiKeyRecord newKey() {
        return new ApiKeyRecord(ApiKeyRepositoryContract.uniqueId(), AccessRole.INVOKE, CREATED_AT, false, "feed");
    }
}
