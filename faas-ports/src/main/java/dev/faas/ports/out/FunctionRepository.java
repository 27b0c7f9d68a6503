package dev.faas.ports.out;

import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.FunctionSummary;
import dev.faas.ports.model.NewFunctionVersion;
import java.util.List;
import java.util.Optional;

/**
 * Durable store of function versions. Versions are immutable; version numbers per name only increase and are never
 * reused, even after a delete. Implementations are thread-safe and throw
 * {@link dev.faas.ports.error.RepositoryUnavailableException} when their store cannot be reached.
 */
public interface FunctionRepository {

    /** Stores {@code version} under the next number of its name, allocated atomically, and returns it. */
    FunctionDefinition add(NewFunctionVersion version);

    Optional<FunctionDefinition> find(FunctionId id);

    /** The newest version of {@code name} that is not deleted. */
    Optional<FunctionDefinition> findLatest(FunctionName name);

    /** Every stored version of {@code name}, oldest first. */
    List<FunctionDefinition> versions(FunctionName name);

    /** Names in ascending order, starting after {@code afterName} (null: from the first), at most {@code limit}. */
    List<FunctionSummary> list(FunctionName afterName, int limit);

    /** Deletes one version; returns whether it existed. */
    boolean delete(FunctionId id);

    /** Deletes every version of {@code name}; returns the ids deleted. */
    List<FunctionId> deleteAll(FunctionName name);

    /**
     * The log this store records its deletes in, for the nodes sharing it to follow; empty (the default) for a store
     * that keeps none. A platform follows what its repository hands over here, without knowing the store's class.
     */
    default Optional<ChangeFeed> changeFeed() {
        return Optional.empty();
    }

    /** The store of sealed secrets kept beside the functions, when this store keeps one; empty by default. */
    default Optional<SecretRepository> secretRepository() {
        return Optional.empty();
    }

    /** The queue of asynchronous calls and their records kept beside the functions, if any; empty by default. */
    default Optional<ActivationStore> activationStore() {
        return Optional.empty();
    }

    /** The schedules kept beside the functions, if any; empty by default. */
    default Optional<ScheduleStore> scheduleStore() {
        return Optional.empty();
    }

    /**
     * Deletes at most {@code batch} entries of the change log older than {@code cutoff}; returns how many. A store
     * that keeps no durable log (the default) deletes none.
     */
    default int pruneChangesBefore(java.time.Instant cutoff, int batch) {
        return 0;
    }

    /** The node id this store records its changes as made by, when it records one; empty by default. */
    default Optional<String> writerNodeId() {
        return Optional.empty();
    }
}
