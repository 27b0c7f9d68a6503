package dev.faas.app.reliability;

import static org.awaitility.Awaitility.await;

import dev.faas.app.Main;
import dev.faas.testkit.DockerAvailability;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The real server's {@code main} in a child JVM, as a user would run it: started from a clean environment plus the
 * given variables (the process runtime and the image under test, {@code FAAS_IMAGE}, unless they are given), so a
 * test can stop it with SIGTERM, SIGKILL it, restart it on the same data directory, read its exit status and log,
 * and look at its threads and child processes through {@code /proc}. The one server-process helper of faas-app.
 */
public final class ServerUnderTest implements AutoCloseable {

    private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final int port;

    private ServerUnderTest(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the server and waits until it listens (at most 60 s); kills it if it does not. */
    public static ServerUnderTest start(Path workDirectory, Map<String, String> environment) throws Exception {
        int port = environment.containsKey("FAAS_PORT") ? Integer.parseInt(environment.get("FAAS_PORT")) : freePort();
        ServerUnderTest server = launch(workDirectory, environment, port);
        try {
            server.awaitListening();
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Starts the server on {@code port} and returns at once, for servers expected to fail. */
    public static ServerUnderTest launch(Path workDirectory, Map<String, String> environment, int port)
            throws IOException {
        Path log = Files.createTempFile(workDirectory, "server", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A small heap keeps two cores and several servers in one test run comfortable.
                "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDirectory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("FAAS_") || name.equals("DELETE_AFTER")
                || name.equals("CLEANUP_INTERVAL"));
        builder.environment().put("FAAS_RUNTIME", "process");
        // The image under test, unless the test chose one.
        builder.environment().put("FAAS_IMAGE", functionImage());
        // The OCI runtime under test (CI runs the abuse suite once more under gVisor), unless the test chose one.
        String ociRuntime = System.getenv("FAAS_DOCKER_RUNTIME");
        if (ociRuntime != null && !ociRuntime.isBlank() && !"on".equals(environment.get("FAAS_EGRESS"))) {
            builder.environment().put("FAAS_DOCKER_RUNTIME", ociRuntime);
        }
        builder.environment().putAll(environment);
        builder.environment().put("FAAS_PORT", Integer.toString(port));
        return new ServerUnderTest(builder.start(), log, port);
    }

    /** The function image under test: system property or environment variable {@code FAAS_IMAGE}, else the default. */
    public static String functionImage() {
        return DockerAvailability.functionImage();
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** What the server wrote so far (stdout and stderr). */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Waits for the process to end by itself and returns its exit status. */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("the server did not exit within " + seconds + " s:\n" + log());
        }
        return process.exitValue();
    }

    /** SIGTERM, as Ctrl-C or an orchestrator would send; returns the exit status. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs, nothing is cleaned up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The JVM's live threads, from {@code /proc/<pid>/task}. */
    public int threadCount() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            return (int) tasks.count();
        }
    }

    /** The JVM's live threads by name (the kernel keeps 15 characters of it), with digits folded to '#'. */
    public Map<String, Integer> threadNames() throws IOException {
        Map<String, Integer> names = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip()
                            .replaceAll("[0-9]+", "#");
                    names.merge(name, 1, Integer::sum);
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
        }
        return names;
    }

    /** Process ids of the server's direct children whose command line contains {@code marker}. */
    public List<Long> children(String marker) {
        List<Long> matching = new ArrayList<>();
        process.children().forEach(child -> {
            String commandLine = child.info().commandLine().orElse("");
            if (commandLine.contains(marker)) {
                matching.add(child.pid());
            }
        });
        return matching;
    }

    /** Kills the server if it still runs and keeps its log under {@code target/reliability-logs} for diagnosis. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        try {
            Path kept = Path.of("target", "reliability-logs");
            Files.createDirectories(kept);
            Files.copy(log, kept.resolve("server-" + pid() + ".log"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.err.println("could not keep the server log " + log + ": " + e);
        }
    }

    private void awaitListening() {
        try {
            await("the server listening on " + port).atMost(LISTEN_TIMEOUT).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + log());
                        }
                        return listens();
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the server did not listen within 60 s:\n" + log(), e);
        }
    }

    private boolean listens() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}
