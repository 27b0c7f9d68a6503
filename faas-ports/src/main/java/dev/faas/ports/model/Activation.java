package dev.faas.ports.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One recorded call of a function version: an asynchronous one from the moment it is queued, or a synchronous one
 * recorded on request when it ended. Immutable; the store hands out new copies as the call moves on.
 *
 * @param attempt     how many times a node has started the call (0 while it waits for its first run)
 * @param maxAttempts the most runs allowed when nodes die mid-call (at least 1: at most once)
 * @param nodeId      the node running or that ran the call; null while queued
 * @param leaseUntil  while running: when the call counts as lost unless its node renews the lease
 * @param callbackUrl where the record is POSTed when the call ends; null for none
 * @param createdBy   the id of the API key that made the call; null when the server has no keys or the platform made
 *                    it (a schedule's firing): then only an admin key reads it
 */
public record Activation(
        ActivationId id,
        FunctionId functionId,
        String paramsJson,
        ActivationStatus status,
        boolean async,
        Instant queuedAt,
        Instant startedAt,
        Instant leaseUntil,
        String nodeId,
        int attempt,
        int maxAttempts,
        String callbackUrl,
        ActivationOutcome outcome,
        String createdBy) {

    public Activation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(functionId, "functionId");
        Objects.requireNonNull(paramsJson, "paramsJson");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(queuedAt, "queuedAt");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (status.isFinal() != (outcome != null)) {
            throw new IllegalArgumentException("a final status comes with an outcome, and only a final one");
        }
    }

    /** A new asynchronous call, waiting for its first run. */
    public static Activation queued(FunctionId functionId, String paramsJson, Instant queuedAt, int maxAttempts,
                                    String callbackUrl) {
        return new Activation(ActivationId.random(), functionId, paramsJson, ActivationStatus.QUEUED, true, queuedAt,
                null, null, null, 0, maxAttempts, callbackUrl, null, null);
    }

    /** A synchronous call recorded once it ended on {@code nodeId}. */
    public static Activation recordedSync(FunctionId functionId, String paramsJson, Instant startedAt, String nodeId,
                                          ActivationOutcome outcome) {
        return new Activation(ActivationId.random(), functionId, paramsJson, outcome.status(), false, startedAt,
                startedAt, null, nodeId, 1, 1, null, outcome, null);
    }

    /** Taken by {@code node} for its next run, leased until {@code until}. */
    public Activation running(String node, Instant now, Instant until) {
        return new Activation(id, functionId, paramsJson, ActivationStatus.RUNNING, async, queuedAt, now, until, node,
                attempt + 1, maxAttempts, callbackUrl, null, createdBy);
    }

    /** Back in the queue, as it was before its last run was counted (the node had no room after all). */
    public Activation requeuedUncounted() {
        return new Activation(id, functionId, paramsJson, ActivationStatus.QUEUED, async, queuedAt, null, null, null,
                Math.max(0, attempt - 1), maxAttempts, callbackUrl, null, createdBy);
    }

    /** Back in the queue after its node was lost, the lost run counted. */
    public Activation requeuedAfterLoss() {
        return new Activation(id, functionId, paramsJson, ActivationStatus.QUEUED, async, queuedAt, startedAt, null,
                nodeId, attempt, maxAttempts, callbackUrl, null, createdBy);
    }

    public Activation withLease(Instant until) {
        return new Activation(id, functionId, paramsJson, status, async, queuedAt, startedAt, until, nodeId, attempt,
                maxAttempts, callbackUrl, outcome, createdBy);
    }

    public Activation ended(ActivationOutcome ending) {
        return new Activation(id, functionId, paramsJson, ending.status(), async, queuedAt, startedAt, null, nodeId,
                attempt, maxAttempts, callbackUrl, ending, createdBy);
    }

    /** The same call, made by API key {@code keyId} (null: by no key). */
    public Activation withCreatedBy(String keyId) {
        return new Activation(id, functionId, paramsJson, status, async, queuedAt, startedAt, leaseUntil, nodeId,
                attempt, maxAttempts, callbackUrl, outcome, keyId);
    }

    /** How long the call waited in the queue before its last start; null while it waits. */
    public Duration queueTime() {
        return startedAt == null ? null : Duration.between(queuedAt, startedAt);
    }
}
