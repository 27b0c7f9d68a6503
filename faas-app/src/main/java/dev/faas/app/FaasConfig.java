package dev.faas.app;

import dev.faas.adapter.jdbi.JdbiRepositoryConfig;
import dev.faas.domain.access.ConfiguredApiKey;
import dev.faas.domain.access.ConfiguredApiKeys;
import dev.faas.domain.access.InvalidApiKeyConfigException;
import dev.faas.domain.registry.LimitsPolicy;
import dev.faas.domain.secrets.SecretCipher;
import dev.faas.platform.HostMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every setting of the server, read from environment variables (documented in the README with these defaults).
 * {@code runtime} null means "docker when an engine answers"; {@code dbUrl} null means the embedded H2 database
 * under {@code dataDir}; {@code nodeId} null means the id kept in {@code dataDir}, generated on first start.
 * {@code apiKeys} are those of {@code FAAS_API_KEYS} and {@code FAAS_API_KEYS_FILE}; {@link #toString()} shows neither
 * them nor the database password, nor credentials written into {@code dbUrl}.
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
        int nodeMemoryMb,
        int prewarm,
        int prewarmMax,
        int prewarmNodejs,
        Duration queueTimeout,
        int maxQueuedCalls,
        Duration cleanupInterval,
        Duration deleteAfter,
        String pythonCommand,
        String image,
        String nodeCommand,
        String nodeImage,
        String nodeId,
        Path socketDir,
        int httpThreads,
        int maxRequestBytes,
        List<ConfiguredApiKey> apiKeys,
        boolean allowUnauthenticated,
        Duration drainTime,
        Path tlsCertFile,
        Path tlsKeyFile,
        boolean egress,
        boolean egressNeedsPermission,
        List<String> egressAllow,
        List<String> egressDeny,
        String dockerRuntime,
        String secretsKey,
        long maxArchiveBytes,
        String pipIndexUrl,
        String pipTrustedHost,
        List<String> pipExtraArgs,
        String pipNetwork,
        Duration pipTimeout,
        String npmRegistry,
        String npmNetwork,
        List<CustomRuntime> customRuntimes,
        AsyncConfig async) {

    public static final String PROCESS = "process";
    public static final String DOCKER = "docker";
    static final String EGRESS_OFF = "off";
    static final String EGRESS_ON = "on";
    static final String EGRESS_KEYS = "keys";

    public static FaasConfig fromEnvironment(Map<String, String> env) {
        Function<String, String> get = name -> {
            String value = env.get(name);
            return value == null || value.isBlank() ? null : value.strip();
        };
        String runtime = get.apply("FAAS_RUNTIME");
        if (runtime != null && !runtime.equals(PROCESS) && !runtime.equals(DOCKER)) {
            throw new ConfigException("FAAS_RUNTIME='" + runtime + "' is not a runtime: use 'docker' or 'process'");
        }
        Path dataDir = Path.of(orDefault(get.apply("FAAS_DATA_DIR"), "./data"));
        String nodeId = get.apply("FAAS_NODE_ID");
        if (nodeId != null && !nodeId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")) {
            throw new ConfigException("FAAS_NODE_ID='" + nodeId
                    + "' must be 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        String socketDir = get.apply("FAAS_SOCKET_DIR");
        return new FaasConfig(
                integer("FAAS_PORT", get.apply("FAAS_PORT"), 8080, 0, 65535),
                orDefault(get.apply("FAAS_BIND"), "127.0.0.1"),
                runtime,
                dataDir,
                get.apply("FAAS_DB_URL"),
                get.apply("FAAS_DB_USER"),
                dbPassword(env.get("FAAS_DB_PASSWORD"), get.apply("FAAS_DB_PASSWORD_FILE")),
                integer("FAAS_MAX_INSTANCES", get.apply("FAAS_MAX_INSTANCES"), 64, 1, 100_000),
                integer("FAAS_NODE_MEMORY_MB", get.apply("FAAS_NODE_MEMORY_MB"),
                        Math.max(HostMemory.defaultBudgetMb(), LimitsPolicy.defaults().defaultMemoryMb()),
                        LimitsPolicy.defaults().defaultMemoryMb(), Integer.MAX_VALUE),
                integer("FAAS_PREWARM", get.apply("FAAS_PREWARM"), 2, 0, 1000),
                prewarmMax(get.apply("FAAS_PREWARM"), get.apply("FAAS_PREWARM_MAX")),
                // No nodejs stock unless asked for: a node that serves Python alone keeps no idle node containers.
                integer("FAAS_PREWARM_NODEJS", get.apply("FAAS_PREWARM_NODEJS"), 0, 0, 1000),
                duration("FAAS_QUEUE_TIMEOUT", get.apply("FAAS_QUEUE_TIMEOUT"), "10s"),
                integer("FAAS_MAX_QUEUE", get.apply("FAAS_MAX_QUEUE"), 1000, 0, 1_000_000),
                duration("CLEANUP_INTERVAL", get.apply("CLEANUP_INTERVAL"), "30s"),
                duration("DELETE_AFTER", get.apply("DELETE_AFTER"), "5m"),
                orDefault(get.apply("FAAS_PYTHON"), "python3"),
                // FAAS_IMAGE is the older name of the Python image, kept working; FAAS_IMAGE_PYTHON3 wins.
                orDefault(get.apply("FAAS_IMAGE_PYTHON3"), orDefault(get.apply("FAAS_IMAGE"), "faas-python:latest")),
                orDefault(get.apply("FAAS_NODE"), "node"),
                orDefault(get.apply("FAAS_IMAGE_NODEJS"), "faas-nodejs:latest"),
                nodeId,
                socketDir == null ? dataDir.resolve("sockets") : Path.of(socketDir),
                integer("FAAS_HTTP_THREADS", get.apply("FAAS_HTTP_THREADS"), 256, 2, 10_000),
                integer("FAAS_MAX_REQUEST_BYTES", get.apply("FAAS_MAX_REQUEST_BYTES"), 6 * 1024 * 1024, 1024,
                        256 * 1024 * 1024),
                apiKeys(get.apply(ConfiguredApiKeys.LIST_VARIABLE), get.apply(ConfiguredApiKeys.FILE_VARIABLE)),
                bool(BindPolicy.ALLOW_VARIABLE, get.apply(BindPolicy.ALLOW_VARIABLE)),
                duration("FAAS_DRAIN_TIME", get.apply("FAAS_DRAIN_TIME"), "0s"),
                tlsFile("FAAS_TLS_CERT_FILE", get.apply("FAAS_TLS_CERT_FILE"), get.apply("FAAS_TLS_KEY_FILE")),
                tlsFile("FAAS_TLS_KEY_FILE", get.apply("FAAS_TLS_KEY_FILE"), get.apply("FAAS_TLS_CERT_FILE")),
                !EGRESS_OFF.equals(egressMode(get.apply("FAAS_EGRESS"))),
                EGRESS_KEYS.equals(egressMode(get.apply("FAAS_EGRESS"))),
                cidrs("FAAS_EGRESS_ALLOW", get.apply("FAAS_EGRESS_ALLOW")),
                cidrs("FAAS_EGRESS_DENY", get.apply("FAAS_EGRESS_DENY")),
                get.apply("FAAS_DOCKER_RUNTIME"),
                secretsKey(get.apply("FAAS_SECRETS_KEY"), get.apply("FAAS_SECRETS_KEY_FILE")),
                integer("FAAS_MAX_ARCHIVE_BYTES", get.apply("FAAS_MAX_ARCHIVE_BYTES"), 50 * 1024 * 1024, 1024,
                        Integer.MAX_VALUE),
                get.apply("FAAS_PIP_INDEX_URL"),
                get.apply("FAAS_PIP_TRUSTED_HOST"),
                get.apply("FAAS_PIP_EXTRA_ARGS") == null ? List.of()
                        : List.of(get.apply("FAAS_PIP_EXTRA_ARGS").split("\\s+")),
                get.apply("FAAS_PIP_NETWORK"),
                duration("FAAS_PIP_TIMEOUT", get.apply("FAAS_PIP_TIMEOUT"), "5m"),
                get.apply("FAAS_NPM_REGISTRY"),
                get.apply("FAAS_NPM_NETWORK"),
                CustomRuntime.readFile(get.apply("FAAS_RUNTIMES_FILE")),
                AsyncConfig.fromEnvironment(get));
    }

    /**
     * FAAS_EGRESS: {@code off} (default), {@code on}, or {@code keys} (egress only for API keys holding the egress
     * permission), in any case.
     */
    private static String egressMode(String value) {
        if (value == null) {
            return EGRESS_OFF;
        }
        String mode = value.toLowerCase(Locale.ROOT);
        if (!mode.equals(EGRESS_OFF) && !mode.equals(EGRESS_ON) && !mode.equals(EGRESS_KEYS)) {
            throw new ConfigException("FAAS_EGRESS='" + value + "' must be 'off', 'on' or 'keys' (only API keys with"
                    + " the egress permission)");
        }
        return mode;
    }

    private static List<String> cidrs(String variable, String value) {
        try {
            return dev.faas.adapter.docker.EgressRules.parseList(variable, value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** Whether the server serves HTTPS ({@code FAAS_TLS_CERT_FILE} and {@code FAAS_TLS_KEY_FILE} set). */
    public boolean tls() {
        return tlsCertFile != null;
    }

    /** One of the two TLS files: both are set or neither. Their content is read when the server starts. */
    private static Path tlsFile(String variable, String value, String other) {
        if ((value == null) != (other == null)) {
            throw new ConfigException("FAAS_TLS_CERT_FILE and FAAS_TLS_KEY_FILE go together: set both (PEM"
                    + " certificate chain and PEM private key) to serve HTTPS, or neither");
        }
        if (value == null) {
            return null;
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new ConfigException(variable + "='" + value + "' is not a path");
        }
    }

    /**
     * The secrets key: {@code FAAS_SECRETS_KEY}, or the content of {@code FAAS_SECRETS_KEY_FILE} (a Docker or
     * Kubernetes secret), checked to be a base64 AES key; null when neither is set (secrets then answer 503). Both at
     * once is ambiguous and refused. No message quotes the key.
     */
    private static String secretsKey(String key, String file) {
        if (key != null && file != null) {
            throw new ConfigException("FAAS_SECRETS_KEY and FAAS_SECRETS_KEY_FILE are both set: keep one");
        }
        String value = key;
        if (file != null) {
            try {
                value = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException | InvalidPathException e) {
                throw new ConfigException("FAAS_SECRETS_KEY_FILE='" + file + "' cannot be read: "
                        + e.getClass().getSimpleName());
            }
        }
        if (value == null) {
            return null;
        }
        try {
            SecretCipher.fromBase64(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException((file != null ? "FAAS_SECRETS_KEY_FILE" : "FAAS_SECRETS_KEY") + ": "
                    + e.getMessage());
        }
        return value;
    }

    /** FAAS_PREWARM_MAX: default 32, or FAAS_PREWARM if that is higher; never below FAAS_PREWARM. */
    private static int prewarmMax(String prewarm, String prewarmMax) {
        int floor = integer("FAAS_PREWARM", prewarm, 2, 0, 1000);
        int max = integer("FAAS_PREWARM_MAX", prewarmMax, Math.max(floor, 32), 0, 1000);
        if (max < floor) {
            throw new ConfigException("FAAS_PREWARM_MAX=" + max + " is below FAAS_PREWARM=" + floor
                    + ": the stock's ceiling cannot be under its floor");
        }
        return max;
    }

    /** The defaults, as if no variable were set. */
    public static FaasConfig defaults() {
        return fromEnvironment(Map.of());
    }

    @Override
    public String toString() {
        // Never print the password.
        return "FaasConfig[port=" + port + ", bind=" + bind + ", runtime=" + (runtime == null ? "auto" : runtime)
                + ", dataDir=" + dataDir + ", dbUrl=" + (dbUrl == null ? "(embedded H2)" : JdbiRepositoryConfig.redact(dbUrl)) + ", maxInstances="
                + maxInstances + ", nodeMemoryMb=" + nodeMemoryMb + ", prewarm=" + prewarm + ", prewarmMax=" + prewarmMax + ", queueTimeout=" + queueTimeout + ", cleanupInterval="
                + cleanupInterval + ", deleteAfter=" + deleteAfter + ", image=" + image + ", nodeImage=" + nodeImage + ", nodeId=" + nodeId
                + ", apiKeys=" + apiKeys.size() + " configured, allowUnauthenticated=" + allowUnauthenticated
                + ", drainTime=" + drainTime + ", tls=" + (tls() ? tlsCertFile : "off") + ", egress="
                + (egress ? (egressNeedsPermission ? EGRESS_KEYS : EGRESS_ON) + " (allow " + egressAllow + ", deny "
                + egressDeny + ")" : EGRESS_OFF) + ", dockerRuntime="
                + (dockerRuntime == null ? "(engine default)" : dockerRuntime)
                + ", secrets=" + (secretsKey == null ? "off" : "on") + "]";
    }

    /**
     * The database password: {@code FAAS_DB_PASSWORD}, or the content of {@code FAAS_DB_PASSWORD_FILE} (a Docker or
     * Kubernetes secret) without its trailing line break. Both at once is ambiguous and refused.
     */
    private static String dbPassword(String password, String file) {
        if (file == null) {
            return password;
        }
        if (password != null) {
            throw new ConfigException("FAAS_DB_PASSWORD and FAAS_DB_PASSWORD_FILE are both set: keep one");
        }
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).replaceFirst("\\r?\\n$", "");
        } catch (IOException | InvalidPathException e) {
            throw new ConfigException("FAAS_DB_PASSWORD_FILE='" + file + "' cannot be read: "
                    + e.getClass().getSimpleName());
        }
    }

    /** The configured API keys; errors name the entry or line, never a key. */
    private static List<ConfiguredApiKey> apiKeys(String list, String file) {
        List<String> lines = null;
        if (file != null) {
            try {
                lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException | InvalidPathException e) {
                throw new ConfigException(ConfiguredApiKeys.FILE_VARIABLE + "='" + file + "' cannot be read: "
                        + e.getClass().getSimpleName());
            }
        }
        try {
            return ConfiguredApiKeys.parse(list, lines);
        } catch (InvalidApiKeyConfigException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static boolean bool(String variable, String value) {
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(variable + "='" + value + "' must be 'true' or 'false'");
        };
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    /** The duration {@code value} of {@code variable}, or {@code fallback} when it is not set. */
    static Duration duration(String variable, String value, String fallback) {
        return DurationParser.parse(variable, value == null ? fallback : value);
    }

    /** The whole number {@code value} of {@code variable} within min..max, or {@code fallback} when it is not set. */
    static int integer(String variable, String value, int fallback, int min, int max) {
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
