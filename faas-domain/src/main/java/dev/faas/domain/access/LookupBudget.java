package dev.faas.domain.access;

/**
 * A token bucket of store lookups: {@code burst} at once, refilled at {@code perSecond}, by a clock's milliseconds.
 * Thread-safe; each call holds a lock for a few arithmetic operations.
 */
final class LookupBudget {

    private final int burst;
    private final int perSecond;
    /** Thousandths of a lookup, so a refill of a few milliseconds is not lost to rounding. */
    private long availableMillis;
    private long refilledAtMillis;

    LookupBudget(int burst, int perSecond, long nowMillis) {
        if (burst < 1 || perSecond < 1) {
            throw new IllegalArgumentException("a lookup budget needs a positive burst and rate");
        }
        this.burst = burst;
        this.perSecond = perSecond;
        this.availableMillis = burst * 1000L;
        this.refilledAtMillis = nowMillis;
    }

    /** Takes one lookup if any is left at {@code nowMillis}. */
    synchronized boolean tryTake(long nowMillis) {
        // A clock set back refills nothing and restarts the count from there.
        long elapsed = Math.max(0, nowMillis - refilledAtMillis);
        availableMillis = Math.min(burst * 1000L, availableMillis + Math.min(elapsed, 3_600_000L) * perSecond);
        refilledAtMillis = nowMillis;
        if (availableMillis < 1000) {
            return false;
        }
        availableMillis -= 1000;
        return true;
    }

    /** Returns a lookup taken for a token that turned out to be a key: only misses spend the budget. */
    synchronized void giveBack() {
        availableMillis = Math.min(burst * 1000L, availableMillis + 1000);
    }
}
