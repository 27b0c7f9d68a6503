package dev.faas.adapter.jdbi;

import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.ports.model.Change;
import dev.faas.ports.out.ChangeFeed;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change log of the function store's database ({@code changes}), read through the store's pool. On PostgreSQL
 * {@link #awaitChanges} listens on a connection of its own, outside the pool (so it never holds a pooled one), and
 * returns when a change is notified; that connection is opened on the first wait and opened again, with a growing
 * pause, after the database goes away. On H2 (one process only) it sleeps. Get one from
 * {@link JdbiFunctionRepository#changes()}; it is closed with the repository. Thread-safe; {@link #awaitChanges} is
 * meant for one following thread.
 */
public final class JdbiChangeFeed implements ChangeFeed, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbiChangeFeed.class);

    /** How the listening connection shows in PostgreSQL's {@code pg_stat_activity}. */
    static final String LISTENER_APPLICATION_NAME = "faas-change-listener";
    private static final Duration FIRST_RECONNECT_PAUSE = Duration.ofMillis(250);
    private static final Duration LAST_RECONNECT_PAUSE = Duration.ofSeconds(5);
    /**
     * A connection cut without a word (a network drop) would keep timing out quietly, so a listening connection that
     * heard nothing for this long is asked whether it is still there.
     */
    private static final Duration QUIET_CHECK_INTERVAL = Duration.ofSeconds(10);
    private static final int QUIET_CHECK_TIMEOUT_SECONDS = 2;
    private static final String COLUMNS = "seq, kind, subject, node_id, created_at";

    private final Jdbi jdbi;
    private final Function<JdbiException, RepositoryUnavailableException> unavailable;
    private final JdbiRepositoryConfig config;

    // The listener's state is used by the one waiting thread only; close() may come from another.
    private volatile Connection listener;
    private volatile boolean closed;
    private long lastHeardNanos;
    private long nextConnectNanos = System.nanoTime();
    private Duration reconnectPause = FIRST_RECONNECT_PAUSE;
    private boolean lostLogged;

    JdbiChangeFeed(Jdbi jdbi, Function<JdbiException, RepositoryUnavailableException> unavailable,
                   JdbiRepositoryConfig config) {
        this.jdbi = jdbi;
        this.unavailable = unavailable;
        this.config = config;
    }

    @Override
    public long latestSequence() {
        return withHandle(handle -> handle.createQuery("SELECT COALESCE(MAX(seq), 0) FROM changes")
                .mapTo(Long.class)
                .one());
    }

    @Override
    public List<Change> changesAfter(long seq, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        return withHandle(handle -> handle
                .createQuery("SELECT " + COLUMNS + " FROM changes WHERE seq > :after ORDER BY seq LIMIT :limit")
                .bind("after", seq)
                .bind("limit", limit)
                .map((row, context) -> new Change(row.getLong("seq"), row.getString("kind"),
                        row.getString("subject"), row.getString("node_id"),
                        row.getObject("created_at", OffsetDateTime.class).toInstant()))
                .list());
    }

    @Override
    public void awaitChanges(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        Connection connection = config.isPostgres() && !closed ? listening() : null;
        if (connection == null) {
            sleepUntil(deadline);
            return;
        }
        try {
            int timeoutMillis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            PGNotification[] notifications = connection.unwrap(PGConnection.class).getNotifications(timeoutMillis);
            long now = System.nanoTime();
            if (notifications != null && notifications.length > 0) {
                lastHeardNanos = now;
            } else if (now - lastHeardNanos > QUIET_CHECK_INTERVAL.toNanos()) {
                if (!connection.isValid(QUIET_CHECK_TIMEOUT_SECONDS)) {
                    throw new SQLException("the listening connection does not answer", "08006");
                }
                lastHeardNanos = now;
            }
        } catch (SQLException e) {
            lost(e);
            sleepUntil(deadline);
        }
    }

    /** The listening connection, opened if it is due; null while the database cannot be reached. */
    private Connection listening() {
        Connection connection = listener;
        if (connection != null) {
            return connection;
        }
        if (System.nanoTime() - nextConnectNanos < 0) {
            return null;
        }
        try {
            connection = DriverManager.getConnection(config.jdbcUrl(), listenerProperties());
            try (Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + ChangeLog.CHANNEL);
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            lost(e);
            return null;
        }
        listener = connection;
        if (closed) {
            closeQuietly(connection);
            return null;
        }
        lastHeardNanos = System.nanoTime();
        reconnectPause = FIRST_RECONNECT_PAUSE;
        if (lostLogged) {
            LOG.info("Listening for changes again at {}", config.jdbcUrlWithoutPassword());
            lostLogged = false;
        } else {
            LOG.debug("Listening for changes at {}", config.jdbcUrlWithoutPassword());
        }
        return connection;
    }

    /** Drops the listening connection and sets when to try again, pausing longer after each failure. */
    private void lost(Exception error) {
        Connection connection = listener;
        listener = null;
        closeQuietly(connection);
        if (closed) {
            return;
        }
        if (!lostLogged) {
            // Changes are still read after every wait, so this costs speed, not correctness.
            LOG.warn("Not listening for changes at {} ({}); polling until the database is back",
                    config.jdbcUrlWithoutPassword(), JdbiFunctionRepository.rootCause(error, config));
            lostLogged = true;
        }
        nextConnectNanos = System.nanoTime() + reconnectPause.toNanos();
        Duration doubled = reconnectPause.multipliedBy(2);
        reconnectPause = doubled.compareTo(LAST_RECONNECT_PAUSE) > 0 ? LAST_RECONNECT_PAUSE : doubled;
    }

    private Properties listenerProperties() {
        Properties properties = new Properties();
        if (config.user() != null) {
            properties.setProperty("user", config.user());
        }
        if (config.password() != null) {
            properties.setProperty("password", config.password());
        }
        String timeoutSeconds = String.valueOf(Math.max(1, config.connectionTimeout().toSeconds()));
        properties.setProperty("connectTimeout", timeoutSeconds);
        properties.setProperty("loginTimeout", timeoutSeconds);
        // Bounds every other read; getNotifications sets its own timeout while it waits.
        properties.setProperty("socketTimeout", "30");
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", LISTENER_APPLICATION_NAME);
        return properties;
    }

    /** Stops listening; reads go on working until the repository closes its pool. */
    @Override
    public void close() {
        closed = true;
        Connection connection = listener;
        listener = null;
        closeQuietly(connection);
    }

    private <T> T withHandle(HandleCallback<T, RuntimeException> work) {
        try {
            return jdbi.withHandle(work);
        } catch (JdbiException e) {
            throw unavailable.apply(e);
        }
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException | RuntimeException ignored) {
            // it is being dropped because it failed
        }
    }
}
