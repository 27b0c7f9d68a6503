package dev.faas.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Every setting of the server, read from environment variables (documented in the README with these defaults).
 * {@code dbUrl} null means the embedded H2 database under {@code dataDir}.
 */
public record FaasConfig(
        int port,
        String bind,
        String runtime,
        Path dataDir,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int maxInstances,
        Duration queueTimeout,
        Duration cleanupInterval,
        Duration deleteAfter,
        String pythonCommand,
        int httpThreads,
        int maxRequestBytes) {

    public static FaasConfig fromEnvironment(Map<String, String> env) {
        Function<String, String> get = name -> {
            String value = env.get(name);
            return value == null || value.isBlank() ? null : value.strip();
        };
        String runtime = orDefault(get.apply("FAAS_RUNTIME"), "process");
        if (!runtime.equals("process")) {
            throw new ConfigException("FAAS_RUNTIME='" + runtime + "' is not supported: use 'process'");
        }
        return new FaasConfig(
                integer("FAAS_PORT", get.apply("FAAS_PORT"), 8080, 0, 65535),
                orDefault(get.apply("FAAS_BIND"), "127.0.0.1"),
                runtime,
                Path.of(orDefault(get.apply("FAAS_DATA_DIR"), "./data")),
                get.apply("FAAS_DB_URL"),
                get.apply("FAAS_DB_USER"),
                env.get("FAAS_DB_PASSWORD"),
                integer("FAAS_MAX_INSTANCES", get.apply("FAAS_MAX_INSTANCES"), 64, 1, 100_000),
                duration("FAAS_QUEUE_TIMEOUT", get.apply("FAAS_QUEUE_TIMEOUT"), "10s"),
                duration("CLEANUP_INTERVAL", get.apply("CLEANUP_INTERVAL"), "30s"),
                duration("DELETE_AFTER", get.apply("DELETE_AFTER"), "5m"),
                orDefault(get.apply("FAAS_PYTHON"), "python3"),
                integer("FAAS_HTTP_THREADS", get.apply("FAAS_HTTP_THREADS"), 256, 2, 10_000),
                integer("FAAS_MAX_REQUEST_BYTES", get.apply("FAAS_MAX_REQUEST_BYTES"), 6 * 1024 * 1024, 1024,
                        256 * 1024 * 1024));
    }

    /** The defaults, as if no variable were set. */
    public static FaasConfig defaults() {
        return fromEnvironment(Map.of());
    }

    public FaasConfig withPort(int newPort) {
        return new FaasConfig(newPort, bind, runtime, dataDir, dbUrl, dbUser, dbPassword, maxInstances, queueTimeout,
                cleanupInterval, deleteAfter, pythonCommand, httpThreads, maxRequestBytes);
    }

    public FaasConfig withDataDir(Path newDataDir) {
        return new FaasConfig(port, bind, runtime, newDataDir, dbUrl, dbUser, dbPassword, maxInstances, queueTimeout,
                cleanupInterval, deleteAfter, pythonCommand, httpThreads, maxRequestBytes);
    }

    @Override
    public String toString() {
        // Never print the password.
        return "FaasConfig[port=" + port + ", bind=" + bind + ", runtime=" + runtime + ", dataDir=" + dataDir
                + ", dbUrl=" + (dbUrl == null ? "(embedded H2)" : dbUrl) + ", maxInstances=" + maxInstances
                + ", queueTimeout=" + queueTimeout + ", cleanupInterval=" + cleanupInterval + ", deleteAfter="
                + deleteAfter + "]";
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static Duration duration(String variable, String value, String fallback) {
        return DurationParser.parse(variable, value == null ? fallback : value);
    }

    private static int integer(String variable, String value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the accepted range
        }
        throw new ConfigException(variable + "='" + value + "' must be a whole number from " + min + " to " + max);
    }
}
