package dev.faas.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's printed table: latency rows (p50, p99), throughput rows and ratio lines; the label column is as
 * wide as its longest label.
 */
final class BenchTable {

    private static final String[] HEADS = {"measure", "p50 ms", "p99 ms", "throughput"};

    /** The title, then each row: its cells ({@link #HEADS}' columns), or a single cell for a note. */
    private final List<String[]> rows = new ArrayList<>();

    BenchTable(String title) {
        this(title, true);
    }

    private BenchTable(String title, boolean columns) {
        rows.add(new String[] {title});
        if (columns) {
            rows.add(HEADS);
        }
    }

    /** A table whose caller writes its own column heads with {@link #note}. */
    static BenchTable untitledColumns(String title) {
        return new BenchTable(title, false);
    }

    void latency(String label, LatencyRecorder recorder) {
        rows.add(new String[] {label, String.format(Locale.ROOT, "%.2f", recorder.percentileMillis(50)),
                String.format(Locale.ROOT, "%.2f", recorder.percentileMillis(99)), ""});
    }

    void throughput(String label, double perSecond) {
        rows.add(new String[] {label, "", "", String.format(Locale.ROOT, "%.0f/s", perSecond)});
    }

    void note(String format, Object... arguments) {
        rows.add(new String[] {String.format(Locale.ROOT, format, arguments)});
    }

    /** Prints the table and appends it to {@code target/benchmark.txt}. */
    void publish() throws IOException {
        int width = rows.stream().filter(row -> row.length > 1).mapToInt(row -> row[0].length()).max().orElse(0);
        String columns = "%-" + width + "s %9s %9s %12s";
        List<String> lines = new ArrayList<>();
        for (String[] row : rows) {
            lines.add(row.length == 1 ? row[0] : String.format(Locale.ROOT, columns, (Object[]) row));
        }
        String text = String.join("\n", lines) + "\n";
        System.out.println(text);
        Files.writeString(Path.of("target", "benchmark.txt"), text + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
