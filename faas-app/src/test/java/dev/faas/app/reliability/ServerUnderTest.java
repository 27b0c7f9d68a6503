package dev.faas.app.reliability;

import dev.faas.app.Main;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real server's {@code main} in a child JVM, started from a clean environment plus the given variables, so a
 * fault test can SIGKILL it, restart it on the same data directory and look at its threads and child processes
 * through {@code /proc}.
 */
final class ServerUnderTest implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    private ServerUnderTest(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the server and waits until it listens (at most 60 s). */
    static ServerUnderTest start(Path workDirectory, Map<String, String> environment) throws Exception {
        int port = environment.containsKey("FAAS_PORT") ? Integer.parseInt(environment.get("FAAS_PORT")) : freePort();
        Map<String, String> withPort = new HashMap<>(environment);
        withPort.put("FAAS_PORT", Integer.toString(port));
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
        builder.environment().put("FAAS_IMAGE", DockerSupport.IMAGE);
        builder.environment().putAll(withPort);
        ServerUnderTest server = new ServerUnderTest(builder.start(), log, port);
        try {
            server.awaitListening();
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGTERM, as Ctrl-C or an orchestrator would send; returns the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs, nothing is cleaned up. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The JVM's live threads, from {@code /proc/<pid>/task}. */
    int threadCount() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            return (int) tasks.count();
        }
    }

    /** The JVM's live threads by name (the kernel keeps 15 characters of it), with digits folded to '#'. */
    Map<String, Integer> threadNames() throws IOException {
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
    List<Long> children(String marker) {
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

    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the server did not listen within 60 s:\n" + log());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
