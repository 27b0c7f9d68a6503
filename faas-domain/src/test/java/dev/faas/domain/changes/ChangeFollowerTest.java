package dev.faas.domain.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.adapter.memory.InMemoryApiKeyRepository;
import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.domain.access.ApiKeyService;
import dev.faas.domain.invocation.Invoker;
import dev.faas.domain.pool.InstancePool;
import dev.faas.domain.pool.PoolSettings;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.in.CreateApiKeyCommand;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.ApiKeyRecord;
import dev.faas.ports.model.Change;
import dev.faas.ports.model.CreatedApiKey;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.NewFunctionVersion;
import dev.faas.testkit.FakeFunctionRuntime;
import dev.faas.testkit.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The follower over a scripted feed: what it applies, from where, and how it survives outages and lost wake-ups. */
class ChangeFollowerTest {

    private final ExecutorService background = Executors.newCachedThreadPool();
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final MutableClock clock = MutableClock.atEpoch();
    private final FakeChangeFeed feed = new FakeChangeFeed();
    private final InMemoryFunctionRepository functions = new InMemoryFunctionRepository();
    private final FakeFunctionRuntime runtime = new FakeFunctionRuntime();
    private final InstancePool pool = new InstancePool(runtime, new PoolSettings(8, Duration.ofSeconds(5)), clock,
            background);
    private final Invoker invoker = new Invoker(functions, runtime, pool);
    private final List<Change> applied = new CopyOnWriteArrayList<>();
    private final ChangeFollower follower = new ChangeFollower(feed, POLL);

    @AfterEach
    void tearDown() {
        follower.close();
        pool.close();
        runtime.close();
        background.shutdownNow();
    }

    @Test
    void givenVersionDeletedByAnotherNode_follower_forgetsItsDefinitionAndStopsItsInstances() {
        FunctionId id = functions.add(version("hello")).id();
        FunctionId kept = functions.add(version("hello")).id();
        invoke(id);
        invoke(kept);
        assertThat(runtime.running()).hasSize(2);
        follower.listen(ChangeListener.forgettingDeletedVersions(invoker)).start();

        // Another node deletes it: this node's repository has no say, only the log tells it.
        functions.delete(id);
        feed.append(Change.FUNCTION_DELETED, id.toString());

        await(() -> runtime.running().size() == 1);
        assertThatThrownBy(() -> invoke(id)).isInstanceOf(FunctionNotFoundException.class);
        assertThat(invoke(kept)).isEqualTo("{}");
    }

    @Test
    void givenChangesBeforeStart_follower_appliesOnlyLaterOnes() {
        feed.append(Change.FUNCTION_DELETED, "old-1");
        feed.append(Change.FUNCTION_DELETED, "old-2");

        follower.listen(applied::add).start();
        feed.append(Change.FUNCTION_DELETED, "new-1");

        await(() -> applied.size() == 1);
        assertThat(applied).extracting(Change::subject).containsExactly("new-1");
        assertThat(follower.lastSeen()).isEqualTo(3);
    }

    @Test
    void givenNotificationsLost_follower_stillAppliesEveryChangeByReadingAfterEachWait() {
        feed.notifying(false);
        follower.listen(applied::add).start();

        feed.append(Change.FUNCTION_DELETED, "a-1");
        feed.append(Change.API_KEY_REVOKED, "key_1");

        await(() -> applied.size() == 2);
        assertThat(applied).extracting(Change::seq).containsExactly(1L, 2L);
    }

    @Test
    void givenFeedUnavailableForAWhile_follower_retriesThenCatchesUpOnEveryChangeMadeMeanwhile_inOrder() {
        follower.listen(applied::add).start();
        feed.unavailable(true);
        int readsBefore = feed.reads();
        for (int i = 1; i <= 5; i++) {
            feed.append(Change.FUNCTION_DELETED, "missed-" + i);
        }
        await(() -> feed.reads() >= readsBefore + 2);
        assertThat(applied).isEmpty();

        feed.unavailable(false);

        await(() -> applied.size() == 5);
        assertThat(applied).extracting(Change::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void givenFeedUnavailableAtStart_follower_followsFromTheFirstChange() {
        feed.append(Change.FUNCTION_DELETED, "early-1");
        feed.unavailable(true);

        follower.listen(applied::add).start();
        feed.unavailable(false);

        await(() -> applied.size() == 1);
        assertThat(applied).extracting(Change::subject).containsExactly("early-1");
    }

    @Test
    void givenBacklogLongerThanABatch_follower_appliesItAllInOrder() {
        follower.listen(applied::add).start();
        int count = ChangeFollower.BATCH * 2 + 3;

        for (int i = 1; i <= count; i++) {
            feed.append(Change.FUNCTION_DELETED, "many-" + i);
        }

        await(() -> applied.size() == count);
        assertThat(applied).extracting(Change::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, count).boxed().toList());
    }

    @Test
    void givenListenerFailingOnAChange_follower_goesOnWithTheOtherListenersAndLaterChanges() {
        List<Change> second = new CopyOnWriteArrayList<>();
        follower.listen(change -> {
            if (change.subject().equals("bad-1")) {
                throw new IllegalStateException("cannot apply");
            }
            applied.add(change);
        }).listen(second::add).start();

        feed.append(Change.FUNCTION_DELETED, "bad-1");
        feed.append(Change.FUNCTION_DELETED, "good-1");

        await(() -> applied.size() == 1 && second.size() == 2);
        assertThat(applied).extracting(Change::subject).containsExactly("good-1");
    }

    @Test
    void givenUnknownKindOrUnparsableSubject_theListeners_skipIt_andLaterChangesStillApply() {
        FunctionId id = functions.add(version("later")).id();
        invoke(id);
        ApiKeyService apiKeys = new ApiKeyService(new InMemoryApiKeyRepository(), clock);
        follower.listen(ChangeListener.forgettingDeletedVersions(invoker))
                .listen(ChangeListener.invalidatingApiKeys(apiKeys)).listen(applied::add).start();

        feed.append("function-renamed", "later-1");
        feed.append(Change.FUNCTION_DELETED, "not an id");
        feed.append(Change.API_KEY_REVOKED, "not a key id!");
        feed.append(Change.FUNCTION_DELETED, id.toString());

        await(() -> runtime.running().isEmpty());
        assertThat(applied).hasSize(4);
    }

    @Test
    void givenKeyRevokedByAnotherNode_follower_makesThisNodeRefuseIt_withoutWaitingForTheCacheToExpire() {
        InMemoryApiKeyRepository store = new InMemoryApiKeyRepository();
        ApiKeyService apiKeys = new ApiKeyService(store, clock, new SecureRandom(), Duration.ofDays(1), Runnable::run);
        CreatedApiKey key = apiKeys.create(new CreateApiKeyCommand(AccessRole.INVOKE, "shared"));
        assertThat(apiKeys.authenticate(key.key())).isPresent();
        follower.listen(ChangeListener.invalidatingApiKeys(apiKeys)).start();

        // Another node revokes it in the shared store; the clock stands still, so only the change can tell.
        store.revoke(key.record().id(), Instant.EPOCH);
        assertThat(apiKeys.authenticate(key.key())).as("cached until told").isPresent();
        feed.append(Change.API_KEY_REVOKED, key.record().id().value());

        await(() -> apiKeys.authenticate(key.key()).isEmpty());
    }

    @Test
    void givenFirstKeyCreatedByAnotherNode_follower_turnsAuthenticationOnHere() {
        InMemoryApiKeyRepository store = new InMemoryApiKeyRepository();
        ApiKeyService apiKeys = new ApiKeyService(store, clock, new SecureRandom(), Duration.ofDays(1), Runnable::run);
        assertThat(apiKeys.anyKeyConfigured()).isFalse();
        follower.listen(ChangeListener.invalidatingApiKeys(apiKeys)).start();

        ApiKeyId id = ApiKeyId.of("key_elsewhere");
        store.add(new ApiKeyRecord(id, AccessRole.ADMIN, Instant.EPOCH, false, "made on another node"),
                ApiKeyService.sha256Hex("a-key-made-on-another-node"));
        assertThat(apiKeys.anyKeyConfigured()).as("no key, as far as this node knows").isFalse();
        feed.append(Change.API_KEY_CREATED, id.value());

        await(apiKeys::anyKeyConfigured);
        assertThat(apiKeys.authenticate("a-key-made-on-another-node")).isPresent();
    }

    @Test
    void close_stopsTheThread_andLaterChangesAreNotApplied() throws InterruptedException {
        follower.listen(applied::add).start();
        feed.append(Change.FUNCTION_DELETED, "before-1");
        await(() -> applied.size() == 1);

        follower.close();
        await(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(thread ->
                thread.getName().equals("faas-change-follower") && thread.isAlive()));
        // With its thread gone, nothing is left to apply a change appended now.
        feed.append(Change.FUNCTION_DELETED, "after-1");

        assertThat(applied).hasSize(1);
    }

    @Test
    void start_twice_isRefused() {
        follower.start();

        assertThatThrownBy(follower::start).isInstanceOf(IllegalStateException.class);
    }

    private String invoke(FunctionId id) {
        return invoker.invoke(new InvokeFunctionCommand(id, "{}")).resultJson();
    }

    private static NewFunctionVersion version(String name) {
        return new NewFunctionVersion(FunctionName.of(name), "code of " + name, "user_function",
                new FunctionLimits(Duration.ofSeconds(5), 128, 2), Instant.EPOCH, "0".repeat(64));
    }

    /** Waits for {@code condition}; the follower runs on its own thread. */
    private static void await(BooleanSupplier condition) {
        Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).until(condition::getAsBoolean);
    }
}
