package dev.faas.app.bench;

/**
 * What every benchmark here measures with: the sizes {@code bench/run.sh} passes as system properties (its
 * {@code BENCH_SAMPLES}, {@code BENCH_SECONDS} and {@code BENCH_FIRST_CALLS}), the concurrency of the throughput rows
 * and the trivial Python function called.
 */
final class BenchSettings {

    /** Latency samples per row. */
    static final int SAMPLES = Integer.getInteger("bench.samples", 2000);
    /** Seconds per throughput row. */
    static final int SECONDS = Integer.getInteger("bench.seconds", 5);
    /** First calls per first-call row. */
    static final int FIRST_CALLS = Integer.getInteger("bench.firstCalls", 20);
    /** Callers at once in the throughput rows. */
    static final int CONCURRENCY = 16;
    /** A trivial Python function, JSON-escaped. */
    static final String TRIVIAL = "def user_function(name):\\n    return name";
    /** The params every call sends it. */
    static final String PARAMS = "{\"name\":\"x\"}";

    private BenchSettings() {
    }
}
