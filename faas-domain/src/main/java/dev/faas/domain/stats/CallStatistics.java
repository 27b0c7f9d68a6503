package dev.faas.domain.stats;

import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.model.NodeStatistics.CallSeries;
import dev.faas.ports.out.InvocationObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts this node's calls over the last minutes for a dashboard: second by second for the node (the last
 * {@value #SERIES_SECONDS} s), minute by minute for each function version (the current minute and the
 * {@value #FUNCTION_MINUTES} before it). Each slot holds counters and a logarithmic histogram of total call time (four
 * buckets per power of two, so a percentile read from it is within about 12 % of the true one).
 *
 * <p>Recording a call costs a map lookup and a few atomic increments, and takes no lock but once per slot and
 * period, when the slot is reused; readers sum the slots without stopping writers. A call recorded at the very
 * instant its slot is reused for a later period may count in that period instead: a dashboard's counts, not an
 * account. Function versions with no call in the window are forgotten when read. Thread-safe.
 */
public final class CallStatistics implements InvocationObserver {

    /** Seconds of the node's per-second series. */
    public static final int SERIES_SECONDS = 300;
    /** Whole minutes before the current one that a function version's figures cover. */
    public static final int FUNCTION_MINUTES = 4;

    static final int CALLS = 0;
    static final int ERRORS = 1;
    static final int COLD = 2;
    static final int PREWARMED = 3;
    static final int WARM = 4;
    static final int FIRST_BUCKET = 5;
    /** Four buckets per power of two of microseconds, up to 2^31 us (about 36 minutes); slower calls count in the last. */
    static final int BUCKETS = 4 * 31;

    private final Clock clock;
    private final Window node = new Window(SERIES_SECONDS + 2, 1_000);
    private final Map<FunctionId, Window> functions = new ConcurrentHashMap<>();

    public CallStatistics(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void succeeded(InvocationResult result) {
        long now = clock.millis();
        int kind = switch (result.startKind()) {
            case COLD -> COLD;
            case PREWARMED -> PREWARMED;
            case WARM -> WARM;
        };
        int bucket = FIRST_BUCKET + bucket(result.totalTime());
        record(node.slot(now), kind, bucket);
        record(function(result.functionId()).slot(now), kind, bucket);
    }

    @Override
    public void failed(FunctionId functionId, RuntimeException failure, Duration took) {
        long now = clock.millis();
        count(node.slot(now), ERRORS);
        if (functionId != null) {
            count(function(functionId).slot(now), ERRORS);
        }
    }

    /** The node's calls per second over the last {@value #SERIES_SECONDS} seconds, the current one last. */
    public CallSeries series() {
        long nowSecond = Math.floorDiv(clock.millis(), 1_000L);
        long first = nowSecond - SERIES_SECONDS + 1;
        long[] calls = new long[SERIES_SECONDS];
        long[] errors = new long[SERIES_SECONDS];
        long[] cold = new long[SERIES_SECONDS];
        long[] prewarmed = new long[SERIES_SECONDS];
        long[] warm = new long[SERIES_SECONDS];
        double[] p50 = new double[SERIES_SECONDS];
        double[] p99 = new double[SERIES_SECONDS];
        long[] histogram = new long[BUCKETS];
        for (int i = 0; i < SERIES_SECONDS; i++) {
            Slot slot = node.slotIfCurrent(first + i);
            if (slot == null) {
                continue;
            }
            long[] counts = slot.read();
            cold[i] = counts[COLD];
            prewarmed[i] = counts[PREWARMED];
            warm[i] = counts[WARM];
            errors[i] = counts[ERRORS];
            calls[i] = cold[i] + prewarmed[i] + warm[i] + errors[i];
            System.arraycopy(counts, FIRST_BUCKET, histogram, 0, BUCKETS);
            p50[i] = percentileMs(histogram, 0.50);
            p99[i] = percentileMs(histogram, 0.99);
        }
        return new CallSeries(Instant.ofEpochSecond(first), calls, errors, cold, prewarmed, warm, p50, p99);
    }

    /** Each function version called in the window (the current minute and the {@value #FUNCTION_MINUTES} before). */
    public Map<FunctionId, Figures> functions() {
        long nowMinute = Math.floorDiv(clock.millis(), 60_000L);
        Map<FunctionId, Figures> figures = new LinkedHashMap<>();
        functions.forEach((id, window) -> {
            long[] sum = new long[FIRST_BUCKET + BUCKETS];
            boolean any = false;
            for (long minute = nowMinute - FUNCTION_MINUTES; minute <= nowMinute; minute++) {
                Slot slot = window.slotIfCurrent(minute);
                if (slot != null) {
                    any = true;
                    long[] counts = slot.read();
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += counts[i];
                    }
                }
            }
            if (!any && window.newestPeriod() < nowMinute - FUNCTION_MINUTES) {
                functions.remove(id, window);
                return;
            }
            long[] histogram = new long[BUCKETS];
            System.arraycopy(sum, FIRST_BUCKET, histogram, 0, BUCKETS);
            long ok = sum[COLD] + sum[PREWARMED] + sum[WARM];
            figures.put(id, new Figures(ok + sum[ERRORS], sum[ERRORS], percentileMs(histogram, 0.50),
                    percentileMs(histogram, 0.99)));
        });
        return figures;
    }

    /** The duration the window of {@link #functions()} covers at most. */
    public static Duration functionWindow() {
        return Duration.ofMinutes(FUNCTION_MINUTES + 1L);
    }

    /** One version's calls and failed calls, and its successful calls' median and 99th percentile in ms. */
    public record Figures(long calls, long errors, double p50Ms, double p99Ms) {
    }

    private Window function(FunctionId id) {
        Window window = functions.get(id);
        return window != null ? window : functions.computeIfAbsent(id, ignored -> new Window(FUNCTION_MINUTES + 2, 60_000));
    }

    private static void record(Slot slot, int kind, int bucket) {
        if (slot != null) {
            slot.counts.getAndIncrement(kind);
            slot.counts.getAndIncrement(bucket);
        }
    }

    private static void count(Slot slot, int field) {
        if (slot != null) {
            slot.counts.getAndIncrement(field);
        }
    }

    /** The histogram bucket of a duration: four per power of two of microseconds. */
    static int bucket(Duration duration) {
        long micros = Math.max(1, duration.toNanos() / 1_000);
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        long quarter = exponent >= 2 ? (micros >>> (exponent - 2)) & 3 : (micros << (2 - exponent)) & 3;
        return Math.min(exponent * 4 + (int) quarter, BUCKETS - 1);
    }

    /** The smallest duration in microseconds that falls in {@code bucket}. */
    static double lowerMicros(int bucket) {
        return Math.scalb(1.0 + (bucket % 4) / 4.0, bucket / 4);
    }

    /** The {@code quantile} of a histogram, as the middle of its bucket, in milliseconds; 0 for an empty one. */
    static double percentileMs(long[] histogram, double quantile) {
        long total = 0;
        for (long count : histogram) {
            total += count;
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= rank) {
                return (lowerMicros(i) + lowerMicros(i + 1)) / 2 / 1_000.0;
            }
        }
        return lowerMicros(histogram.length) / 1_000.0;
    }

    /** A ring of slots, one per period of {@code periodMillis}, each reused for the period {@code length} later. */
    private static final class Window {

        private final Slot[] slots;
        private final long periodMillis;

        Window(int length, long periodMillis) {
            this.slots = new Slot[length];
            for (int i = 0; i < length; i++) {
                slots[i] = new Slot();
            }
            this.periodMillis = periodMillis;
        }

        /** The slot of the period holding {@code millis}, cleared first if it last held an older period. */
        Slot slot(long millis) {
            long period = Math.floorDiv(millis, periodMillis);
            Slot slot = slots[(int) Math.floorMod(period, (long) slots.length)];
            if (slot.period != period) {
                synchronized (slot) {
                    if (slot.period > period) {
                        return null; // the clock went back past a whole ring: too old to count
                    }
                    if (slot.period != period) {
                        for (int i = 0; i < slot.counts.length(); i++) {
                            slot.counts.set(i, 0);
                        }
                        slot.period = period;
                    }
                }
            }
            return slot;
        }

        /** The slot of {@code period} if it holds that period, else null (nothing was counted in it). */
        Slot slotIfCurrent(long period) {
            Slot slot = slots[(int) Math.floorMod(period, (long) slots.length)];
            return slot.period == period ? slot : null;
        }

        long newestPeriod() {
            long newest = Long.MIN_VALUE;
            for (Slot slot : slots) {
                newest = Math.max(newest, slot.period);
            }
            return newest;
        }
    }

    private static final class Slot {

        volatile long period = Long.MIN_VALUE;
        final AtomicLongArray counts = new AtomicLongArray(FIRST_BUCKET + BUCKETS);

        long[] read() {
            long[] copy = new long[counts.length()];
            for (int i = 0; i < copy.length; i++) {
                copy[i] = counts.get(i);
            }
            return copy;
        }
    }
}
