package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many things at once against the real server (a child JVM, so its threads and processes can be counted through
 * {@code /proc}) with the process runtime, which starts instances in milliseconds: the races are the platform's,
 * not the sandbox's, and the Docker suites cover the sandbox.
 */
@Tag("reliability")
class ConcurrencySuiteTest {

    private static final String RUNNER = "faas_runner";

    @TempDir
    Path workDirectory;

    private final ExecutorService callers = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "concurrent-caller");
        thread.setDaemon(true);
        return thread;
    });

    private final ExecutorService fewCallers = Executors.newFixedThreadPool(8);

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
        fewCallers.shutdownNow();
    }

    @Test
    void fiftyParallelRegistrationsOfOneName_getVersionsOneToFiftyExactly() throws Exception {
        try (ServerUnderTest server = server(Map.of())) {
            Api api = new Api(server.port());
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Api.Reply>> registrations = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int number = i;
                registrations.add(CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(go);
                    return api.tryRegister("contested", "def user_function():\n    return " + number + "\n",
                            Map.of());
                }, callers));
            }
            go.countDown();

            List<String> versions = new ArrayList<>();
            for (CompletableFuture<Api.Reply> registration : registrations) {
                versions.add(registration.get(120, TimeUnit.SECONDS).result().asText());
            }

            assertThat(versions).containsExactlyInAnyOrderElementsOf(
                    IntStream.rangeClosed(1, 50).mapToObj(version -> "contested-" + version).toList());
            // Each version runs the code it was registered with: no two registrations were merged.
            List<CompletableFuture<Integer>> numbers = new ArrayList<>();
            for (int version = 1; version <= 50; version++) {
                String id = "contested-" + version;
                numbers.add(CompletableFuture.supplyAsync(() -> api.invoke(id).result().asInt(), fewCallers));
            }
            assertThat(numbers.stream().map(CompletableFuture::join).toList())
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 50).boxed().toList());
        }
    }

    @Test
    void invokeWhileDeleting_callsStartedAfterTheDeleteGet404_neverA5xx_andNoInstanceIsLeft() throws Exception {
        try (ServerUnderTest server = server(Map.of())) {
            Api api = new Api(server.port());
            String id = api.register("doomed", """
                    import time
                    def user_function(n):
                        time.sleep(0.05)
                        return n
                    """);
            assertThat(api.invoke(id, Map.of("n", 0)).result().asInt()).isZero();
            AtomicLong deletedAt = new AtomicLong(Long.MAX_VALUE);
            AtomicBoolean calling = new AtomicBoolean(true);
            List<String> wrong = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger served = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<CompletableFuture<?>> workers = new ArrayList<>();
            for (int worker = 0; worker < 8; worker++) {
                workers.add(CompletableFuture.runAsync(() -> {
                    for (int n = 1; calling.get(); n++) {
                        long startedAt = System.nanoTime();
                        try {
                            Api.Reply reply = api.invoke(id, Map.of("n", n));
                            if (reply.status() == 200 && reply.result().asInt() == n
                                    && startedAt < deletedAt.get()) {
                                served.incrementAndGet();
                            } else if (reply.status() == 404
                                    && "function-not-found".equals(reply.problemType())) {
                                refused.incrementAndGet();
                            } else {
                                wrong.add((startedAt < deletedAt.get() ? "before" : "after") + " the delete: "
                                        + reply.status() + " " + reply.body());
                            }
                        } catch (RuntimeException e) {
                            wrong.add(e.toString());
                        }
                    }
                }, callers));
            }
            Api.Reply deleted;
            try {
                await("calls served before the delete").atMost(Duration.ofSeconds(30)).until(() -> served.get() >= 16);
                deleted = api.delete("/functions/doomed/versions/1");
                deletedAt.set(System.nanoTime());
                await("calls refused after the delete").atMost(Duration.ofSeconds(30)).until(() -> refused.get() >= 16);
            } finally {
                calling.set(false);
            }
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
            assertThat(wrong).as("answers other than the result before, or 404 after, the delete").isEmpty();
            assertThat(served.get()).isPositive();
            assertThat(refused.get()).isPositive();
            awaitRunners(server, 0, 10);
            assertThat(api.register("doomed", "def user_function(n):\n    return n\n")).isEqualTo("doomed-2");
        }
    }

    @Test
    void reaperRunningWhileCallsArrive_everyCallSucceeds() throws Exception {
        try (ServerUnderTest server = server(Map.of("DELETE_AFTER", "1s", "CLEANUP_INTERVAL", "200ms"))) {
            Api api = new Api(server.port());
            List<String> ids = List.of(api.register("reaped", "def user_function(n):\n    return n\n"),
                    api.register("reaped", "def user_function(n):\n    return -n\n"));
            Map<String, Integer> starts = new ConcurrentHashMap<>();
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<?>> callersDone = new ArrayList<>();
            for (String id : ids) {
                int sign = id.endsWith("-1") ? 1 : -1;
                callersDone.add(CompletableFuture.runAsync(() -> {
                    for (int n = 1; n <= 6; n++) {
                        Api.Reply reply = api.invoke(id, Map.of("n", n));
                        if (reply.status() != 200 || reply.result().asInt() != sign * n) {
                            failures.add(reply.status() + " " + reply.body());
                        } else {
                            starts.merge(reply.header("X-Faas-Start"), 1, Integer::sum);
                        }
                        // Around DELETE_AFTER: some calls find their instance idle just long enough to be reaped.
                        sleepQuietly(800 + ThreadLocalRandom.current().nextInt(400));
                    }
                }, callers));
            }
            CompletableFuture.allOf(callersDone.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            assertThat(failures).isEmpty();
            assertThat(starts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(12);
            assertThat(starts).as("the reaper removed instances between calls: " + starts).containsKey("cold")
                    .containsKey("warm");
        }
    }

    @Test
    void twoHundredCallersOnTwentyFunctions_withFourInstances_everyCallAnswered_noThreadOrProcessLeak()
            throws Exception {
        Path dataDirectory = workDirectory.resolve("data");
        List<Long> runnersAfterStop;
        try (ServerUnderTest server = server(Map.of("FAAS_MAX_INSTANCES", "4", "FAAS_QUEUE_TIMEOUT", "2s",
                "FAAS_HTTP_THREADS", "64", "FAAS_DATA_DIR", dataDirectory.toString()))) {
            Api api = new Api(server.port());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(api.register("crowd" + i, "import time\ndef user_function():\n    time.sleep(0.02)\n"
                        + "    return " + i + "\n"));
            }
            AtomicInteger maxRunners = new AtomicInteger();
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread watcher = new Thread(() -> {
                while (watching.get()) {
                    maxRunners.accumulateAndGet(server.children(RUNNER).size(), Math::max);
                    sleepQuietly(20);
                }
            });
            watcher.setDaemon(true);
            watcher.start();

            // Pools (HTTP workers, instance starters) grow to their size in the first bursts; a leak grows on.
            List<Burst> bursts = new ArrayList<>(List.of(burst(api, ids)));
            settle(server, api);
            int threadsBefore = server.threadCount();
            Map<String, Integer> namesBefore = server.threadNames();
            bursts.add(burst(api, ids));
            bursts.add(burst(api, ids));
            settle(server, api);
            int threadsAfter = server.threadCount();
            Map<String, Integer> namesAfter = server.threadNames();
            watching.set(false);
            watcher.join();

            for (Burst burst : bursts) {
                assertThat(burst.lost).as("calls without a result or a 429").isEmpty();
                assertThat(burst.ok.get() + burst.refused.get()).isEqualTo(200);
                assertThat(burst.ok.get()).isPositive();
            }
            assertThat(maxRunners.get()).as("runner processes at once").isLessThanOrEqualTo(4);
            assertThat(threadsAfter).as("server threads after bursts 2 and 3, against " + threadsBefore
                    + " after burst 1; by name before " + namesBefore + ", after " + namesAfter)
                    .isLessThanOrEqualTo(threadsBefore + 8);
            assertThat(api.get("/healthz").status()).isEqualTo(200);
            // 143: the JVM's status after SIGTERM, once its shutdown hook has stopped every instance.
            assertThat(server.stop()).isIn(0, 143);
            runnersAfterStop = runnersUnder(dataDirectory);
        }
        assertThat(runnersAfterStop).as("runner processes left after a clean stop").isEmpty();
    }

    /** What one burst of 200 simultaneous calls over 20 functions got. */
    private record Burst(AtomicInteger ok, AtomicInteger refused, List<String> lost) {
    }

    private Burst burst(Api api, List<String> ids) throws Exception {
        Burst burst = new Burst(new AtomicInteger(), new AtomicInteger(), Collections.synchronizedList(
                new ArrayList<>()));
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String id = ids.get(i % ids.size());
            int expected = i % ids.size();
            calls.add(CompletableFuture.runAsync(() -> {
                awaitQuietly(go);
                try {
                    Api.Reply reply = api.invoke(id);
                    if (reply.status() == 200 && reply.result().asInt() == expected) {
                        burst.ok.incrementAndGet();
                    } else if (reply.status() == 429 && "capacity-exceeded".equals(reply.problemType())
                            && reply.header("Retry-After") != null) {
                        burst.refused.incrementAndGet();
                    } else {
                        burst.lost.add(reply.status() + " " + reply.body());
                    }
                } catch (RuntimeException e) {
                    burst.lost.add(e.toString());
                }
            }, callers));
        }
        go.countDown();
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        return burst;
    }

    private ServerUnderTest server(Map<String, String> extra) throws Exception {
        Map<String, String> environment = new java.util.HashMap<>(Map.of("FAAS_RUNTIME", "process",
                "FAAS_PREWARM", "0", "FAAS_DATA_DIR", workDirectory.resolve("data").toString()));
        environment.putAll(extra);
        return ServerUnderTest.start(workDirectory, environment);
    }


    private static void awaitRunners(ServerUnderTest server, int count, int seconds) {
        await(count + " runner processes").atMost(Duration.ofSeconds(seconds))
                .untilAsserted(() -> assertThat(server.children(RUNNER)).as("runner processes").hasSize(count));
    }

    /** Live runner processes whose command line names a path under {@code directory}. */
    private static List<Long> runnersUnder(Path directory) throws IOException {
        String marker = directory.toAbsolutePath().toString();
        try (Stream<ProcessHandle> processes = ProcessHandle.allProcesses()) {
            return processes.filter(process -> process.info().commandLine()
                            .map(line -> line.contains(RUNNER) && line.contains(marker)).orElse(false))
                    .map(ProcessHandle::pid).toList();
        }
    }

    /**
     * Waits until the server has no call under way and its thread count holds still from one look to the next, half
     * a second apart, so threads are counted once the burst's instances are stopped and its pools have shrunk.
     */
    private static void settle(ServerUnderTest server, Api api) {
        AtomicInteger lastCount = new AtomicInteger(-1);
        await("the server settled").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> api.busyInstances() == 0 && lastCount.getAndSet(server.threadCount()) == lastCount.get());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
