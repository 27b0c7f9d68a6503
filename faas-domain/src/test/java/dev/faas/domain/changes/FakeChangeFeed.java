package dev.faas.domain.changes;

import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.ports.model.Change;
import dev.faas.ports.out.ChangeFeed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted {@link ChangeFeed}: changes are appended by the test, as other nodes would write them; it can lose every
 * notification (a wait then lasts its whole maximum) or be unreachable for a while. Thread-safe.
 */
final class FakeChangeFeed implements ChangeFeed {

    private final List<Change> changes = new ArrayList<>();
    private final AtomicInteger reads = new AtomicInteger();
    private boolean notifying = true;
    private boolean unavailable;
    private long notified;

    synchronized Change append(String kind, String subject) {
        Change change = new Change(changes.size() + 1L, kind, subject, "other-node", Instant.EPOCH);
        changes.add(change);
        notifyAll();
        return change;
    }

    /** Whether waits end when a change is appended; false makes them last their maximum, as with no NOTIFY. */
    synchronized FakeChangeFeed notifying(boolean notifying) {
        this.notifying = notifying;
        return this;
    }

    /** Whether reads fail, as they do while the database is away. */
    synchronized FakeChangeFeed unavailable(boolean unavailable) {
        this.unavailable = unavailable;
        return this;
    }

    /** How many reads were tried, failed ones included. */
    int reads() {
        return reads.get();
    }

    @Override
    public synchronized long latestSequence() {
        reads.incrementAndGet();
        failIfUnavailable();
        return changes.size();
    }

    @Override
    public synchronized List<Change> changesAfter(long seq, int limit) {
        reads.incrementAndGet();
        failIfUnavailable();
        int from = (int) Math.min(seq, changes.size());
        return List.copyOf(changes.subList(from, Math.min(changes.size(), from + limit)));
    }

    @Override
    public synchronized void awaitChanges(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        for (long left = max.toNanos(); left > 0 && !(notifying && changes.size() > notified);
             left = deadline - System.nanoTime()) {
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        notified = changes.size();
    }

    private void failIfUnavailable() {
        if (unavailable) {
            throw new RepositoryUnavailableException("the change log is unavailable", null);
        }
    }
}
