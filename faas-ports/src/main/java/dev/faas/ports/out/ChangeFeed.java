package dev.faas.ports.out;

import dev.faas.ports.model.Change;
import java.time.Duration;
import java.util.List;

/**
 * The log of changes made to a shared store, which every node follows to drop what it caches about them: deleted
 * versions and their instances, created and revoked API keys. The repositories write each entry in the transaction of
 * the change itself, so no committed change is ever missing from the log.
 *
 * <p>Sequence order is commit order: once {@link #changesAfter} returns an entry, every entry of a lower sequence is
 * visible too, and any entry committed later has a higher sequence. So a reader that asks for the changes after the
 * last one it saw never misses one. Thread-safe; {@link #awaitChanges} is meant for one following thread.
 * Implementations throw {@link dev.faas.ports.error.RepositoryUnavailableException} when the store cannot be reached.
 */
public interface ChangeFeed {

    /** The sequence of the newest entry, 0 when the log is empty. */
    long latestSequence();

    /** At most {@code limit} entries with a sequence above {@code seq}, in sequence order. */
    List<Change> changesAfter(long seq, int limit);

    /**
     * Waits at most {@code max} for new entries: returns early when the store notifies one (PostgreSQL), else after
     * {@code max}. A return says nothing for sure either way; the caller reads {@link #changesAfter} after each.
     */
    void awaitChanges(Duration max) throws InterruptedException;
}
