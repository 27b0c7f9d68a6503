package dev.faas.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The benchmark's printed table: latency rows (p50, p99), throughput rows and ratio lines. */
final class BenchTable {

    private final List<String> lines = new ArrayList<>();

    BenchTable(String title) {
        lines.add(title);
        lines.add(String.format(Locale.ROOT, "%-46s %9s %9s %12s", "measure", "p50 ms", "p99 ms", "throughput"));
    }

    private BenchTable(String title, boolean columns) {
        lines.add(title);
    }

    /** A table whose caller writes its own column heads with {@link #note}. */
    static BenchTable untitledColumns(String title) {
        return new BenchTable(title, false);
    }

    void latency(String label, LatencyRecorder recorder) {
        lines.add(String.format(Locale.ROOT, "%-46s %9.2f %9.2f %12s", label, recorder.percentileMillis(50),
                recorder.percentileMillis(99), ""));
    }

    void throughput(String label, double perSecond) {
        lines.add(String.format(Locale.ROOT, "%-46s %9s %9s %10.0f/s", label, "", "", perSecond));
    }

    void note(String format, Object... arguments) {
        lines.add(String.format(Locale.ROOT, format, arguments));
    }

    /** Prints the table and appends it to {@code target/benchmark.txt}. */
    void publish() throws IOException {
        String text = String.join("\n", lines) + "\n";
        System.out.println(text);
        Files.writeString(Path.of("target", "benchmark.txt"), text + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
