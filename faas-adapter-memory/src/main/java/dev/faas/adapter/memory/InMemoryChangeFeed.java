package dev.faas.adapter.memory;

import dev.faas.ports.model.Change;
import dev.faas.ports.out.ChangeFeed;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ChangeFeed} held in memory, written by the in-memory repositories that share it; lost when the process
 * ends. {@link #awaitChanges} returns as soon as a change is recorded, or at once if one was recorded since the last
 * wait, as a database's queued notifications would. Thread-safe (one lock; changes are rare).
 */
public final class InMemoryChangeFeed implements ChangeFeed {

    /** The node id of changes recorded by a feed that was given none. */
    public static final String DEFAULT_NODE_ID = "local";

    private final String nodeId;
    private final Clock clock;
    /** The change of sequence {@code n} is at index {@code n - 1}. */
    private final List<Change> changes = new ArrayList<>();
    /** How many changes there were when {@link #awaitChanges} last returned: later ones end the next wait at once. */
    private long awaited;

    public InMemoryChangeFeed() {
        this(DEFAULT_NODE_ID, Clock.systemUTC());
    }

    /** A feed whose changes name {@code nodeId} as their author and are stamped by {@code clock}. */
    public InMemoryChangeFeed(String nodeId, Clock clock) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Appends a change of {@code kind} to {@code subject}, waking whoever awaits changes. */
    public synchronized Change record(String kind, String subject) {
        Change change = new Change(changes.size() + 1L, kind, subject, nodeId,
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        changes.add(change);
        notifyAll();
        return change;
    }

    @Override
    public synchronized long latestSequence() {
        return changes.size();
    }

    @Override
    public synchronized List<Change> changesAfter(long seq, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        int from = (int) Math.min(Math.max(seq, 0), changes.size());
        return List.copyOf(changes.subList(from, Math.min(changes.size(), from + limit)));
    }

    @Override
    public synchronized void awaitChanges(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        for (long left = max.toNanos(); changes.size() == awaited && left > 0; left = deadline - System.nanoTime()) {
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        awaited = changes.size();
    }
}
