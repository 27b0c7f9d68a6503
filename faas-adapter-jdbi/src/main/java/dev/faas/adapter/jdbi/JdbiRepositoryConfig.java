package dev.faas.adapter.jdbi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the function store's database is and how to pool connections to it; {@link #toString()} hides the password.
 *
 * @param jdbcUrl           a {@code jdbc:postgresql:} or {@code jdbc:h2:} URL
 * @param user              the database user, or {@code null} for the driver's default
 * @param password          the user's password, or {@code null}
 * @param maxPoolSize       the most connections held open at once
 * @param connectionTimeout how long an operation waits for a connection before the store counts as unavailable
 */
public record JdbiRepositoryConfig(
        String jdbcUrl, String user, String password, int maxPoolSize, Duration connectionTimeout) {

    public static final int DEFAULT_MAX_POOL_SIZE = 10;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    /** Settings of every H2 database: PostgreSQL dialect, and each commit written before it returns (kill -9 safe). */
    private static final String H2_SETTINGS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
            + ";WRITE_DELAY=0";
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&;]*");

    public JdbiRepositoryConfig {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new IllegalArgumentException("a JDBC URL is required");
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1, got " + maxPoolSize);
        }
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        if (connectionTimeout.toMillis() < 250) {
            throw new IllegalArgumentException("connectionTimeout must be at least 250 ms, got " + connectionTimeout);
        }
    }

    /** A config with the default pool size and connection timeout. */
    public static JdbiRepositoryConfig of(String jdbcUrl, String user, String password) {
        return new JdbiRepositoryConfig(jdbcUrl, user, password, DEFAULT_MAX_POOL_SIZE, DEFAULT_CONNECTION_TIMEOUT);
    }

    /** The embedded default: an H2 file database in {@code dataDir}, created on first use. */
    public static JdbiRepositoryConfig h2File(Path dataDir) {
        return of(h2FileUrl(dataDir), "sa", "");
    }

    /** The URL of the H2 file database {@code <dataDir>/faas} in PostgreSQL mode. */
    public static String h2FileUrl(Path dataDir) {
        String directory = dataDir.toAbsolutePath().normalize().toString();
        if (directory.contains(";")) {
            throw new IllegalArgumentException("the data directory must not contain ';': " + directory);
        }
        return "jdbc:h2:file:" + Path.of(directory, "faas") + H2_SETTINGS;
    }

    /** The JDBC URL with any {@code password=} parameter masked, fit for logs and messages. */
    public String jdbcUrlWithoutPassword() {
        return PASSWORD_IN_URL.matcher(jdbcUrl).replaceAll("$1***");
    }

    boolean isPostgres() {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public String toString() {
        return "JdbiRepositoryConfig[jdbcUrl=" + jdbcUrlWithoutPassword() + ", user=" + user + ", password="
                + (password == null || password.isEmpty() ? "(none)" : "***") + ", maxPoolSize=" + maxPoolSize
                + ", connectionTimeout=" + connectionTimeout + "]";
    }
}
