package dev.faas.ports.out;

import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationId;
import dev.faas.ports.model.ActivationOutcome;
import dev.faas.ports.model.ActivationQuery;
import dev.faas.ports.model.ActivationQueueStats;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where activations live: the durable queue of asynchronous calls and the records of ended calls. Shared by every
 * node on one database: a queued activation is taken by one node only ({@link #claim}), which holds a lease on it
 * and must {@link #renew} it; a node that stops renewing loses the call to {@link #recover}, which queues it again
 * while it has attempts left. Every change is guarded by the node and attempt that hold the run, so a node that
 * lost its lease cannot overwrite what another node did since. Implementations are thread-safe; timestamps are kept
 * to the millisecond.
 */
public interface ActivationStore {

    /** Stores a new activation: a queued asynchronous call, or a synchronous call recorded once it ended. */
    void add(Activation activation);

    /**
     * Takes at most {@code max} queued activations, oldest first, and marks them running on {@code nodeId} (their
     * attempt counted), leased until {@code leaseUntil}. Nodes claiming at once never take the same activation.
     */
    List<Activation> claim(String nodeId, int max, Instant now, Instant leaseUntil);

    /** Extends the leases {@code nodeId} holds on these running activations; returns how many it still held. */
    int renew(String nodeId, Collection<ActivationId> ids, Instant leaseUntil);

    /**
     * Ends the run {@code attempt} of a running activation that {@code nodeId} holds; false (and nothing changes)
     * when the node no longer holds that run, because its lease ran out and the call was recovered meanwhile.
     */
    boolean finish(ActivationId id, String nodeId, int attempt, ActivationOutcome outcome);

    /**
     * Puts a running activation that {@code nodeId} holds in run {@code attempt} back in the queue, that run not
     * counted (the node had no room for it after all); false when the node no longer holds it.
     */
    boolean requeue(ActivationId id, String nodeId, int attempt);

    /**
     * Recovers calls whose node is gone and calls waiting too long, at most {@code max} of each: a running one whose
     * lease ended before {@code now} is queued again (in its original place) when it has attempts left, else it
     * fails with problem type {@code node-lost}; a queued one queued before {@code expireQueuedBefore} expires.
     *
     * @return the activations this call ended (not those queued again), for their callbacks
     */
    List<Activation> recover(Instant now, Instant expireQueuedBefore, int max);

    Optional<Activation> find(ActivationId id);

    /** Activations matching {@code query}, newest first. */
    List<Activation> list(ActivationQuery query);

    /** Deletes an activation in any status (a queued one then never runs); false when there was none. */
    boolean delete(ActivationId id);

    /** Deletes at most {@code batch} activations that ended before {@code cutoff}; returns how many. */
    int pruneEndedBefore(Instant cutoff, int batch);

    /** How many asynchronous calls to function {@code functionName} (any version) wait in the queue. */
    long queuedFor(String functionName);

    /** The queue's depth and age and the count of activations by status. */
    ActivationQueueStats stats();
}
