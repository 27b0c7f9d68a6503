package dev.faas.ports.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A moment's view of one node for a dashboard: its id, its pool ({@link PoolStatus}) with the pre-warm stock's current
 * target, the calls of each function version seen over the last {@code window} ({@link FunctionStatistics}), and the
 * node's calls second by second over the same window ({@link CallSeries}).
 */
public record NodeStatistics(String nodeId, Instant at, PoolStatus pool, int prewarmTarget, Duration window,
                             List<FunctionStatistics> functions, CallSeries series) {

    public NodeStatistics {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(window, "window");
        functions = List.copyOf(functions);
        Objects.requireNonNull(series, "series");
    }

    /**
     * One function version on this node: its instances now (warm: idle; busy: serving a call) and, over the window,
     * its calls, failed calls, and the median and 99th percentile of its successful calls' total time in milliseconds
     * (0 when it had none; estimates within about 12 %, from a logarithmic histogram).
     */
    public record FunctionStatistics(FunctionId id, int warm, int busy, long calls, long errors, double p50Ms,
                                     double p99Ms) {

        public FunctionStatistics {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * The node's calls per second, oldest first, from the second starting at {@code start} ({@code seconds} slots, the
     * last one still filling): calls, failed calls, successful calls by how their instance started, and the median and
     * 99th percentile of the successful calls' total time in milliseconds (0 for a second without one).
     */
    public record CallSeries(Instant start, long[] calls, long[] errors, long[] cold, long[] prewarmed, long[] warm,
                             double[] p50Ms, double[] p99Ms) {

        public CallSeries {
            Objects.requireNonNull(start, "start");
            int length = calls.length;
            if (errors.length != length || cold.length != length || prewarmed.length != length
                    || warm.length != length || p50Ms.length != length || p99Ms.length != length) {
                throw new IllegalArgumentException("every series must have " + length + " slots");
            }
        }

        public int seconds() {
            return calls.length;
        }
    }
}
