package dev.faas.domain.changes;

import dev.faas.ports.model.Change;
import dev.faas.ports.out.ChangeFeed;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Follows the change log of the store this node shares with others, on a thread of its own, and hands every change
 * to its listeners in sequence order. It starts after the newest change (a node that just started caches nothing
 * older) and after every wait, however it ended, reads everything after the last change it saw: a notification
 * missed while the database was away, or never sent (H2), delays a change by at most one poll interval, never loses
 * it. While the store cannot be reached it retries after a growing pause (a wait that {@link #close} ends at once,
 * not a sleep) and then catches up. Thread-safe.
 */
public final class ChangeFollower implements AutoCloseable {

    /** The longest wait between two reads when no notification comes. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
    /** The most changes read at once; a longer backlog is read in several batches without waiting. */
    static final int BATCH = 500;
    /** Short, so a node catches up soon after the database is back; a failed read costs next to nothing. */
    private static final Duration LONGEST_RETRY_PAUSE = Duration.ofSeconds(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger(ChangeFollower.class.getName());

    private final ChangeFeed feed;
    private final Duration pollInterval;
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** Opened by {@link #close}: ends a pause between retries at once. */
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile long lastSeen;
    private volatile boolean started;

    /** @param pollInterval the longest wait between two reads of the feed when no notification comes */
    public ChangeFollower(ChangeFeed feed, Duration pollInterval) {
        this.feed = Objects.requireNonNull(feed, "feed");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
        }
        this.thread = new Thread(this::follow, "faas-change-follower");
        thread.setDaemon(true);
    }

    /** Adds a listener, told of every change read from now on; listeners may be added before or after start. */
    public ChangeFollower listen(ChangeListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Starts following after the newest change in the store now. When the store cannot tell (it is down), follows
     * from the first change instead: replaying old changes is harmless, missing one is not.
     */
    public synchronized ChangeFollower start() {
        if (started) {
            throw new IllegalStateException("the follower was started already");
        }
        started = true;
        try {
            lastSeen = feed.latestSequence();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read where the change log ends (" + e.getMessage()
                    + "); following it from its start");
            lastSeen = 0;
        }
        thread.start();
        return this;
    }

    /** The sequence of the last change handed to the listeners, or where following started. */
    public long lastSeen() {
        return lastSeen;
    }

    private void follow() {
        Duration retryPause = pollInterval;
        boolean failing = false;
        while (running) {
            try {
                if (catchUp() == BATCH) {
                    continue;
                }
                if (failing) {
                    LOG.log(System.Logger.Level.INFO, "following the change log again, after change " + lastSeen);
                    failing = false;
                    retryPause = pollInterval;
                }
                feed.awaitChanges(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!failing) {
                    LOG.log(System.Logger.Level.WARNING, "cannot read the change log (" + e.getMessage()
                            + "); retrying, then catching up from change " + lastSeen);
                    failing = true;
                }
                if (!pause(retryPause)) {
                    return;
                }
                Duration doubled = retryPause.multipliedBy(2);
                retryPause = doubled.compareTo(LONGEST_RETRY_PAUSE) > 0 ? LONGEST_RETRY_PAUSE : doubled;
            }
        }
    }

    /** Reads one batch after the last change seen and applies it; returns how many changes it held. */
    private int catchUp() {
        List<Change> changes = feed.changesAfter(lastSeen, BATCH);
        for (Change change : changes) {
            if (!running) {
                break;
            }
            for (ChangeListener listener : listeners) {
                try {
                    listener.changed(change);
                } catch (RuntimeException e) {
                    // One change that cannot be applied (a subject this version cannot parse) must not stop the rest.
                    LOG.log(System.Logger.Level.WARNING, "cannot apply change " + change.seq() + " ("
                            + change.kind() + " " + change.subject() + "): " + e.getMessage(), e);
                }
            }
            lastSeen = change.seq();
        }
        return changes.size();
    }

    /** Waits {@code duration} before the next retry; false when the follower was closed meanwhile. */
    private boolean pause(Duration duration) {
        try {
            return !closed.await(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops following; a change being applied is finished first. */
    @Override
    public void close() {
        running = false;
        closed.countDown();
        thread.interrupt();
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(STOP_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
