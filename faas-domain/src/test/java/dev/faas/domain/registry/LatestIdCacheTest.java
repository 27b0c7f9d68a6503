package dev.faas.domain.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.domain.changes.ChangeListener;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.model.Change;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.out.FunctionRepository;
import dev.faas.testkit.ForwardingFunctionRepository;
import dev.faas.testkit.MutableClock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Calls by name ask the registry for the name's latest version; with the cache on, the store is read once per name
 * until a version of it is registered or deleted, by this node or (through the change log) by another.
 */
class LatestIdCacheTest {

    private static final String CODE = "def user_function():\n    return 1\n";
    private static final FunctionName NAME = FunctionName.of("hello");

    private final InMemoryFunctionRepository store = new InMemoryFunctionRepository();
    private final CountingRepository counted = new CountingRepository(store);
    private final MutableClock clock = MutableClock.atEpoch();
    /** This node, following the store's change log through {@link #applyChanges}. */
    private final FunctionRegistry registry = new FunctionRegistry(counted, LimitsPolicy.defaults(), clock);
    private final ChangeListener follower = ChangeListener.refreshingLatestVersions(registry);
    private long applied = store.changes().latestSequence();
    /** Another node sharing the store. */
    private final FunctionRegistry otherNode = new FunctionRegistry(store, LimitsPolicy.defaults(), clock);

    @Test
    void givenCachedName_latestId_readsTheStoreOnce() {
        FunctionDefinition first = registry.register(new RegisterFunctionCommand(NAME, CODE));
        counted.latestReads.set(0);

        for (int i = 0; i < 5; i++) {
            assertThat(registry.latestId(NAME)).isEqualTo(first.id());
        }

        assertThat(counted.latestReads).hasValue(1);
    }

    @Test
    void givenRegistrationOnThisNode_latestId_answersTheNewVersionAtOnce() {
        registry.register(new RegisterFunctionCommand(NAME, CODE));
        registry.latestId(NAME);

        FunctionDefinition second = registry.register(new RegisterFunctionCommand(NAME, CODE));

        assertThat(registry.latestId(NAME)).isEqualTo(second.id());
    }

    @Test
    void givenRegistrationOnAnotherNode_latestId_answersItOnceTheChangeIsFollowed() {
        FunctionDefinition first = registry.register(new RegisterFunctionCommand(NAME, CODE));
        assertThat(registry.latestId(NAME)).isEqualTo(first.id());

        FunctionDefinition second = otherNode.register(new RegisterFunctionCommand(NAME, CODE));
        applyChanges();

        assertThat(registry.latestId(NAME)).isEqualTo(second.id());
    }

    @Test
    void givenLatestDeletedOnThisNodeOrAnother_latestId_answersThePreviousVersion_thenNotFound() {
        FunctionDefinition first = registry.register(new RegisterFunctionCommand(NAME, CODE));
        FunctionDefinition second = registry.register(new RegisterFunctionCommand(NAME, CODE));
        assertThat(registry.latestId(NAME)).isEqualTo(second.id());

        registry.delete(second.id());
        assertThat(registry.latestId(NAME)).isEqualTo(first.id());

        otherNode.delete(first.id());
        applyChanges();
        assertThatThrownBy(() -> registry.latestId(NAME)).isInstanceOf(FunctionNotFoundException.class);
    }

    @Test
    void givenDeleteAll_latestId_isNotFound() {
        registry.register(new RegisterFunctionCommand(NAME, CODE));
        registry.latestId(NAME);

        registry.deleteAll(NAME);

        assertThatThrownBy(() -> registry.latestId(NAME)).isInstanceOf(FunctionNotFoundException.class);
    }

    @Test
    void givenChangeOfAnotherName_latestId_keepsItsAnswer() {
        registry.register(new RegisterFunctionCommand(NAME, CODE));
        applyChanges(); // this node's own registration comes back through the log too
        registry.latestId(NAME);
        counted.latestReads.set(0);

        otherNode.register(new RegisterFunctionCommand(FunctionName.of("other"), CODE));
        applyChanges();
        registry.latestId(NAME);

        assertThat(counted.latestReads).hasValue(0);
    }

    @Test
    void withoutTheCache_latestId_readsTheStoreEveryTime_soAnotherNodesVersionCountsAtOnce() {
        FunctionRegistry uncached = new FunctionRegistry(counted, LimitsPolicy.defaults(), clock);
        uncached.register(new RegisterFunctionCommand(NAME, CODE));
        assertThat(uncached.latestId(NAME)).hasToString("hello-1");

        FunctionDefinition second = otherNode.register(new RegisterFunctionCommand(NAME, CODE));

        assertThat(uncached.latestId(NAME)).isEqualTo(second.id());
    }

    /** What the change follower does: hands every change made since the last call to the listener, in order. */
    private void applyChanges() {
        List<Change> changes = store.changes().changesAfter(applied, 1000);
        changes.forEach(follower::changed);
        if (!changes.isEmpty()) {
            applied = changes.get(changes.size() - 1).seq();
        }
    }

    /** The store, counting how often the latest version of a name is read from it. */
    private static final class CountingRepository extends ForwardingFunctionRepository {

        private final AtomicInteger latestReads = new AtomicInteger();

        CountingRepository(FunctionRepository delegate) {
            super(delegate);
        }

        @Override
        public Optional<FunctionDefinition> findLatest(FunctionName name) {
            latestReads.incrementAndGet();
            return super.findLatest(name);
        }
    }
}
