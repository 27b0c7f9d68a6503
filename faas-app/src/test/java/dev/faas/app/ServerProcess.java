package dev.faas.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real server's {@code main} in a child JVM, as a user would run it, so tests can stop it cleanly, kill it with
 * SIGKILL, and read its exit status and log.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the server with {@code environment} added to a clean environment and waits until it listens. */
    static ServerProcess start(Path workDirectory, Map<String, String> environment) throws Exception {
        int port = environment.containsKey("FAAS_PORT") ? Integer.parseInt(environment.get("FAAS_PORT")) : freePort();
        ServerProcess server = launch(workDirectory, environment, port);
        server.awaitListening();
        return server;
    }

    /** Starts the server and returns at once, for servers expected to fail. */
    static ServerProcess launch(Path workDirectory, Map<String, String> environment, int port) throws IOException {
        Path log = Files.createTempFile(workDirectory, "server", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDirectory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("FAAS_") || name.equals("DELETE_AFTER")
                || name.equals("CLEANUP_INTERVAL"));
        builder.environment().put("FAAS_RUNTIME", "process");
        // The image under test, unless the test chose one.
        builder.environment().put("FAAS_IMAGE", functionImage());
        builder.environment().putAll(environment);
        builder.environment().put("FAAS_PORT", Integer.toString(port));
        return new ServerProcess(builder.start(), log, port);
    }

    /** The function image under test: system property or environment variable {@code FAAS_IMAGE}, else the default. */
    static String functionImage() {
        String configured = System.getProperty("FAAS_IMAGE", System.getenv("FAAS_IMAGE"));
        return configured == null || configured.isBlank() ? "faas-python:latest" : configured.strip();
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Waits for the process to end by itself and returns its exit status. */
    int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("the server did not exit within " + seconds + " s");
        }
        return process.exitValue();
    }

    /** SIGTERM, as Ctrl-C or an orchestrator would send; returns the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        return awaitExit(30);
    }

    /** SIGKILL: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
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
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
