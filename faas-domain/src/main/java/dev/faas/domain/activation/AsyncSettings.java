package dev.faas.domain.activation;

import java.time.Duration;
import java.util.Objects;

/**
 * How a node runs asynchronous calls.
 *
 * @param slots          the most asynchronous calls this node runs at once: its share of the instances, so that
 *                       synchronous calls always find the rest
 * @param lease          how long a node holds a running call without renewing; a node silent for longer is counted
 *                       dead and its calls are run again elsewhere (renewed every third of it)
 * @param pollInterval   how often the node looks for calls queued through other nodes and for lost leases, when
 *                       nothing wakes it sooner
 * @param maxQueueAge    how long a call may wait in the queue before it expires unrun
 * @param retention      how long ended activations are kept
 * @param pruneBatch     how many ended activations one pruning statement deletes at most
 * @param queueMax       the most calls one function (all its versions) may have waiting in the queue, counted over
 *                       every node sharing the store; a call beyond it is refused, not queued
 */
public record AsyncSettings(int slots, Duration lease, Duration pollInterval, Duration maxQueueAge,
                            Duration retention, int pruneBatch, int queueMax) {

    public static final int DEFAULT_QUEUE_MAX = 10_000;
    /** When a caller refused for a full queue should try again. */
    public static final Duration QUEUE_FULL_RETRY_AFTER = Duration.ofSeconds(5);

    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_QUEUE_AGE = Duration.ofDays(1);
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    public static final int DEFAULT_PRUNE_BATCH = 500;

    public AsyncSettings {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, got " + slots);
        }
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(maxQueueAge, "maxQueueAge");
        Objects.requireNonNull(retention, "retention");
        if (lease.toMillis() < 300) {
            throw new IllegalArgumentException("lease must be at least 300 ms, got " + lease);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
        }
        if (pruneBatch < 1) {
            throw new IllegalArgumentException("pruneBatch must be at least 1, got " + pruneBatch);
        }
        if (queueMax < 1) {
            throw new IllegalArgumentException("queueMax must be at least 1, got " + queueMax);
        }
    }

    /** Settings with the default queue cap ({@value #DEFAULT_QUEUE_MAX} waiting calls per function). */
    public AsyncSettings(int slots, Duration lease, Duration pollInterval, Duration maxQueueAge, Duration retention,
                         int pruneBatch) {
        this(slots, lease, pollInterval, maxQueueAge, retention, pruneBatch, DEFAULT_QUEUE_MAX);
    }

    /** The defaults with {@code slots} asynchronous calls at once. */
    public static AsyncSettings defaults(int slots) {
        return new AsyncSettings(slots, DEFAULT_LEASE, DEFAULT_POLL_INTERVAL, DEFAULT_MAX_QUEUE_AGE,
                DEFAULT_RETENTION, DEFAULT_PRUNE_BATCH);
    }

    /** The share of {@code maxInstances} given to asynchronous calls, in percent, at least one slot. */
    public static int slotsFor(int maxInstances, int sharePercent) {
        if (sharePercent < 1 || sharePercent > 100) {
            throw new IllegalArgumentException("the asynchronous share is 1 to 100 percent, got " + sharePercent);
        }
        return Math.max(1, maxInstances * sharePercent / 100);
    }

    public AsyncSettings withLease(Duration value) {
        return new AsyncSettings(slots, value, pollInterval, maxQueueAge, retention, pruneBatch, queueMax);
    }

    public AsyncSettings withPollInterval(Duration value) {
        return new AsyncSettings(slots, lease, value, maxQueueAge, retention, pruneBatch, queueMax);
    }

    public AsyncSettings withRetention(Duration value) {
        return new AsyncSettings(slots, lease, pollInterval, maxQueueAge, value, pruneBatch, queueMax);
    }

    public AsyncSettings withMaxQueueAge(Duration value) {
        return new AsyncSettings(slots, lease, pollInterval, value, retention, pruneBatch, queueMax);
    }

    public AsyncSettings withQueueMax(int value) {
        return new AsyncSettings(slots, lease, pollInterval, maxQueueAge, retention, pruneBatch, value);
    }
}
