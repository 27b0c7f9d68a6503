package dev.faas.app.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The load driver of {@code bench/soak.sh}: registers a mix of functions on a running server, calls them from
 * {@code --concurrency} closed-loop callers for {@code --minutes}, and prints every 10 s and at the end the
 * throughput, latency percentiles, errors by problem type (the raising function's 422 counted apart as expected),
 * the server's resident memory and threads, and the node's container count. Exits 1 if any call failed
 * unexpectedly. JDK only, so the script compiles this one file with {@code javac}; talks to 127.0.0.1 only.
 */
public final class SoakDriver {

    private static final Pattern PROBLEM_TYPE = Pattern.compile("\"type\":\"urn:faas:problem:([a-z-]+)\"");
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    /** One function of the mix: its code, its share of the calls, and whether its calls are meant to fail. */
    private record Kind(String name, int weight, boolean raises, String code) {
    }

    private static final List<Kind> MIX = List.of(
            new Kind("trivial", 35, false, "def user_function(n):\n    return n\n"),
            new Kind("cpu", 20, false, "import time\ndef user_function(n):\n    end = time.perf_counter() + 0.005\n"
                    + "    spins = 0\n    while time.perf_counter() < end:\n        spins += 1\n    return n\n"),
            new Kind("sleeper", 20, false, "import time\ndef user_function(n):\n    time.sleep(0.05)\n    return n\n"),
            new Kind("raiser", 10, true, "def user_function(n):\n    raise ValueError('expected failure %d' % n)\n"),
            new Kind("printer", 15, false, "def user_function(n):\n    for i in range(100):\n"
                    + "        print('line', i, 'of call', n)\n    return n\n"));

    private final String baseUrl;
    private final Duration duration;
    private final int concurrency;
    private final long serverPid;
    private final String node;
    private final long reportNanos;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> ids = new TreeMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    // Guarded by "this".
    private long[] intervalLatencies = new long[1024];
    private int intervalCount;
    private long[] allLatencies = new long[1 << 16];
    private int allCount;
    private long ok;
    private long expected;
    private final Map<String, Long> unexpected = new TreeMap<>();
    private final Map<String, Long> intervalUnexpected = new TreeMap<>();
    private String firstUnexpected;

    private SoakDriver(String baseUrl, Duration duration, int concurrency, long serverPid, String node,
                       Duration report) {
        this.baseUrl = baseUrl;
        this.duration = duration;
        this.concurrency = concurrency;
        this.serverPid = serverPid;
        this.node = node;
        this.reportNanos = report.toNanos();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new TreeMap<>(Map.of("--url", "http://127.0.0.1:8080", "--minutes", "10",
                "--concurrency", "8", "--server-pid", "0", "--node", "", "--report-seconds", "10"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!options.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + options.keySet());
            }
            options.put(args[i], args[i + 1]);
        }
        String url = options.get("--url");
        if (!URI.create(url).getHost().equals("127.0.0.1")) {
            throw new IllegalArgumentException("the soak drives 127.0.0.1 only, not " + url);
        }
        SoakDriver driver = new SoakDriver(url, Duration.ofSeconds(Math.round(
                Double.parseDouble(options.get("--minutes")) * 60)), Integer.parseInt(options.get("--concurrency")),
                Long.parseLong(options.get("--server-pid")), options.get("--node"),
                Duration.ofSeconds(Long.parseLong(options.get("--report-seconds"))));
        System.exit(driver.run());
    }

    private int run() throws Exception {
        for (Kind kind : MIX) {
            HttpResponse<String> registered = post("/register", "{\"name\":\"soak-" + kind.name + "\",\"code\":"
                    + quote(kind.code) + "}");
            Matcher id = Pattern.compile("\"result\":\"([^\"]+)\"").matcher(registered.body());
            if (registered.statusCode() != 200 || !id.find()) {
                throw new IllegalStateException("could not register " + kind.name + ": " + registered.body());
            }
            ids.put(kind.name, id.group(1));
        }
        System.out.printf(Locale.ROOT, "soak: %s for %d s, %d callers, functions %s%n", baseUrl,
                duration.toSeconds(), concurrency, ids.values());
        System.out.println("    time    calls   calls/s  p50 ms  p99 ms p99.9 ms  max ms | ok       expected  "
                + "unexpected | rss MB  threads  containers");
        long startNanos = System.nanoTime();
        long endNanos = startNanos + duration.toNanos();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Thread caller = new Thread(this::callLoop, "soak-caller-" + i);
            caller.setDaemon(true);
            caller.start();
            callers.add(caller);
        }
        List<long[]> samples = new ArrayList<>();
        Long heapAtStart = null;
        long nextReport = startNanos + reportNanos;
        while (System.nanoTime() < endNanos) {
            long sleepNanos = Math.min(nextReport, endNanos) - System.nanoTime();
            if (sleepNanos > 0) {
                TimeUnit.NANOSECONDS.sleep(sleepNanos);
            }
            long now = System.nanoTime();
            if (now >= nextReport || now >= endNanos) {
                samples.add(report(now - startNanos, now - (nextReport - reportNanos)));
                nextReport += reportNanos;
                if (heapAtStart == null && now - startNanos >= TimeUnit.SECONDS.toNanos(30)) {
                    heapAtStart = liveHeapKb();
                }
            }
        }
        running.set(false);
        for (Thread caller : callers) {
            caller.join(TimeUnit.SECONDS.toMillis(70));
        }
        Long heapAtEnd = liveHeapKb();
        return summary(System.nanoTime() - startNanos, samples, heapAtStart, heapAtEnd);
    }

    private void callLoop() {
        int totalWeight = MIX.stream().mapToInt(Kind::weight).sum();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running.get()) {
            int pick = random.nextInt(totalWeight);
            Kind kind = MIX.get(0);
            for (Kind candidate : MIX) {
                pick -= candidate.weight;
                if (pick < 0) {
                    kind = candidate;
                    break;
                }
            }
            int n = random.nextInt(1_000_000);
            long start = System.nanoTime();
            String failure;
            boolean wasExpected = false;
            try {
                HttpResponse<String> response = post("/invoke", "{\"name\":\"" + ids.get(kind.name)
                        + "\",\"params\":{\"n\":" + n + "}}");
                if (kind.raises && response.statusCode() == 422 && response.body().contains(
                        "urn:faas:problem:function-error") && response.body().contains("\"type\":\"ValueError\"")) {
                    failure = null;
                    wasExpected = true;
                } else if (!kind.raises && response.statusCode() == 200
                        && response.body().equals("{\"result\":" + n + "}")) {
                    failure = null;
                } else {
                    Matcher type = PROBLEM_TYPE.matcher(response.body());
                    failure = response.statusCode() + " " + (type.find() ? type.group(1) : "(no problem type)")
                            + " from " + kind.name;
                    recordFirst(failure + ": " + abbreviate(response.body()));
                }
            } catch (IOException e) {
                failure = "no answer (" + e.getClass().getSimpleName() + ") from " + kind.name;
                recordFirst(failure + ": " + e.getMessage());
            } catch (InterruptedException e) {
                return;
            }
            record(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start), failure, wasExpected);
        }
    }

    private synchronized void record(long micros, String failure, boolean wasExpected) {
        if (intervalCount == intervalLatencies.length) {
            intervalLatencies = Arrays.copyOf(intervalLatencies, intervalCount * 2);
        }
        intervalLatencies[intervalCount++] = micros;
        if (allCount == allLatencies.length) {
            allLatencies = Arrays.copyOf(allLatencies, allCount * 2);
        }
        allLatencies[allCount++] = micros;
        if (failure != null) {
            unexpected.merge(failure, 1L, Long::sum);
            intervalUnexpected.merge(failure, 1L, Long::sum);
        } else if (wasExpected) {
            expected++;
        } else {
            ok++;
        }
    }

    private synchronized void recordFirst(String failure) {
        if (firstUnexpected == null) {
            firstUnexpected = failure;
        }
    }

    /** Prints one interval's line; returns {elapsed s, rss kB, threads, containers}. */
    private long[] report(long elapsedNanos, long intervalNanos) {
        long[] latencies;
        long okSoFar;
        long expectedSoFar;
        long unexpectedSoFar;
        Map<String, Long> newFailures;
        synchronized (this) {
            latencies = Arrays.copyOf(intervalLatencies, intervalCount);
            intervalCount = 0;
            okSoFar = ok;
            expectedSoFar = expected;
            unexpectedSoFar = unexpected.values().stream().mapToLong(Long::longValue).sum();
            newFailures = new TreeMap<>(intervalUnexpected);
            intervalUnexpected.clear();
        }
        Arrays.sort(latencies);
        long rssKb = rssKb();
        long threads = threads();
        long containers = containers();
        System.out.printf(Locale.ROOT, "%7ds %8d %9.1f %7.1f %7.1f %8.1f %7.1f | %-8d %-9d %-10d | %6s %8s %11s%n",
                TimeUnit.NANOSECONDS.toSeconds(elapsedNanos), latencies.length,
                latencies.length / (intervalNanos / 1e9), percentile(latencies, 50), percentile(latencies, 99),
                percentile(latencies, 99.9), latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1000.0,
                okSoFar, expectedSoFar, unexpectedSoFar, rssKb < 0 ? "?" : Long.toString(rssKb / 1024),
                threads < 0 ? "?" : Long.toString(threads), containers < 0 ? "?" : Long.toString(containers));
        newFailures.forEach((failure, count) -> System.out.printf(Locale.ROOT, "          unexpected: %d x %s%n",
                count, failure));
        System.out.flush();
        return new long[] {TimeUnit.NANOSECONDS.toSeconds(elapsedNanos), rssKb, threads, containers};
    }

    private int summary(long elapsedNanos, List<long[]> samples, Long heapAtStart, Long heapAtEnd) {
        long[] latencies;
        long unexpectedTotal;
        synchronized (this) {
            latencies = Arrays.copyOf(allLatencies, allCount);
            unexpectedTotal = unexpected.values().stream().mapToLong(Long::longValue).sum();
        }
        Arrays.sort(latencies);
        double seconds = elapsedNanos / 1e9;
        System.out.println();
        System.out.println("== soak summary");
        System.out.printf(Locale.ROOT, "duration        %.0f s, %d callers%n", seconds, concurrency);
        System.out.printf(Locale.ROOT, "calls           %d (%.1f/s)%n", latencies.length, latencies.length / seconds);
        System.out.printf(Locale.ROOT, "latency ms      p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                percentile(latencies, 50), percentile(latencies, 99), percentile(latencies, 99.9),
                latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1000.0);
        System.out.printf(Locale.ROOT, "results         ok %d, expected function-error (raiser) %d, unexpected %d%n",
                ok, expected, unexpectedTotal);
        unexpected.forEach((failure, count) -> System.out.printf(Locale.ROOT, "  unexpected    %d x %s%n",
                count, failure));
        if (firstUnexpected != null) {
            System.out.println("  first         " + firstUnexpected);
        }
        if (!samples.isEmpty()) {
            long[] rss = samples.stream().mapToLong(sample -> sample[1]).filter(kb -> kb >= 0).toArray();
            long[] containers = samples.stream().mapToLong(sample -> sample[3]).filter(n -> n >= 0).toArray();
            long[] threads = samples.stream().mapToLong(sample -> sample[2]).filter(n -> n >= 0).toArray();
            if (rss.length > 0) {
                int firstMinute = Math.min(rss.length - 1, (int) Math.max(0, 60_000_000_000L / reportNanos - 1));
                System.out.printf(Locale.ROOT, "server RSS MB   after 1 min %d, at end %d, min %d, max %d%n",
                        rss[firstMinute] / 1024, rss[rss.length - 1] / 1024,
                        Arrays.stream(rss).min().getAsLong() / 1024, Arrays.stream(rss).max().getAsLong() / 1024);
            }
            if (threads.length > 0) {
                System.out.printf(Locale.ROOT, "server threads  first %d, at end %d, max %d%n", threads[0],
                        threads[threads.length - 1], Arrays.stream(threads).max().getAsLong());
            }
            if (containers.length > 0) {
                System.out.printf(Locale.ROOT, "containers      min %d, max %d, at end %d%n",
                        Arrays.stream(containers).min().getAsLong(), Arrays.stream(containers).max().getAsLong(),
                        containers[containers.length - 1]);
            }
        }
        System.out.printf(Locale.ROOT, "live heap MB    after warm-up %s, at end %s (after a full GC)%n",
                heapAtStart == null ? "?" : Long.toString(heapAtStart / 1024),
                heapAtEnd == null ? "?" : Long.toString(heapAtEnd / 1024));
        System.out.println(unexpectedTotal == 0 ? "verdict         no unexpected errors"
                : "verdict         " + unexpectedTotal + " UNEXPECTED ERRORS");
        return unexpectedTotal == 0 ? 0 : 1;
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long rssKb() {
        if (serverPid <= 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(serverPid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private long threads() {
        if (serverPid <= 0) {
            return -1;
        }
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(serverPid), "task"))) {
            return tasks.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private long containers() {
        if (node.isEmpty()) {
            return -1;
        }
        String output = command("docker", "ps", "-q", "--filter", "label=faas.managed=true", "--filter",
                "label=faas.node=" + node);
        return output == null ? -1 : output.lines().filter(line -> !line.isBlank()).count();
    }

    /** The server's heap in use right after a full GC, through jcmd; null when that cannot be had. */
    private Long liveHeapKb() {
        if (serverPid <= 0 || command("jcmd", Long.toString(serverPid), "GC.run") == null) {
            return null;
        }
        String info = command("jcmd", Long.toString(serverPid), "GC.heap_info");
        if (info == null) {
            return null;
        }
        Matcher used = HEAP_USED.matcher(info);
        return used.find() ? Long.parseLong(used.group(1)) : null;
    }

    private static String command(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output;
            try (InputStream stdout = process.getInputStream()) {
                output = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
            }
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0 ? output : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static double percentile(long[] sortedMicros, double percent) {
        if (sortedMicros.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percent / 100.0 * sortedMicros.length) - 1;
        return sortedMicros[Math.max(0, Math.min(index, sortedMicros.length - 1))] / 1000.0;
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
