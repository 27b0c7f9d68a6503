package dev.faas.app.bench;

import java.util.Arrays;
import java.util.Locale;

/** Collects latencies in nanoseconds and reports percentiles. Not thread-safe: one per measuring thread, then merged. */
final class LatencyRecorder {

    private long[] samples = new long[1024];
    private int count;

    void record(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    void addAll(LatencyRecorder other) {
        for (int i = 0; i < other.count; i++) {
            record(other.samples[i]);
        }
    }

    int count() {
        return count;
    }

    double percentileMillis(double percentile) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, index))] / 1_000_000.0;
    }

    static String millis(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
