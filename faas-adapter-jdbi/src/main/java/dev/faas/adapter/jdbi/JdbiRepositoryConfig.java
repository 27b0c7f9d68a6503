package dev.faas.adapter.jdbi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
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
    /** {@code password=}, {@code sslpassword=}, {@code user=} parameters (after {@code ?}, {@code &} or {@code ;}). */
    private static final Pattern CREDENTIAL_PARAMETER =
            Pattern.compile("(?i)([?&;](?:[a-z]*password|user)=)[^&;\\s]*");
    /** {@code user:password@} (or {@code user@}) right after the {@code //} of a URL. */
    private static final Pattern USER_INFO = Pattern.compile("(//)[^/@\\s?#]*@");

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

    /** The JDBC URL without credentials ({@link #redact}), fit for logs and messages. */
    public String jdbcUrlWithoutPassword() {
        return redact(jdbcUrl);
    }

    /**
     * {@code text} (a JDBC URL, or a driver's message quoting one) with the credentials a URL may carry masked as
     * {@code ***}: {@code user:password@} after {@code //}, and {@code password=}, {@code sslpassword=} and
     * {@code user=} parameters.
     */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String withoutUserInfo = USER_INFO.matcher(text).replaceAll("$1***@");
        return CREDENTIAL_PARAMETER.matcher(withoutUserInfo).replaceAll("$1***");
    }

    /**
     * {@code message} (a driver's, say) without this config's secrets: the password, the URL's user information and
     * its password parameters, also where a driver quotes them outside a URL (PgJDBC reports
     * {@code user:password@host} as an unknown host), and then {@link #redact}ed.
     */
    public String withoutCredentials(String message) {
        if (message == null) {
            return null;
        }
        String result = message;
        if (password != null && !password.isEmpty()) {
            result = result.replace(password, "***");
        }
        Matcher userInfo = USER_INFO.matcher(jdbcUrl);
        while (userInfo.find()) {
            String secret = userInfo.group().substring(2, userInfo.group().length() - 1);
            if (!secret.isEmpty()) {
                result = result.replace(secret, "***");
            }
        }
        Matcher parameter = CREDENTIAL_PARAMETER.matcher(jdbcUrl);
        while (parameter.find()) {
            String secret = parameter.group().substring(parameter.group(1).length());
            if (parameter.group(1).toLowerCase(java.util.Locale.ROOT).contains("password") && !secret.isEmpty()) {
                result = result.replace(secret, "***");
            }
        }
        return redact(result);
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
