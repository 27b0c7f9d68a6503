package dev.faas.adapter.jdbi;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.ports.model.Change;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.FunctionSummary;
import dev.faas.ports.model.NewFunctionVersion;
import dev.faas.ports.out.ChangeFeed;
import dev.faas.ports.out.FunctionRepository;
import dev.faas.ports.out.ActivationStore;
import dev.faas.ports.out.ScheduleStore;
import dev.faas.ports.out.SecretRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FunctionRepository} in PostgreSQL or an H2 file database, through JDBI and a HikariCP pool; thread-safe,
 * and {@link #close()} closes the pool. Every add and delete adds its change to the database's change log in its
 * own transaction, for the other nodes sharing the database to follow through {@link #changes()}.
 */
public final class JdbiFunctionRepository implements FunctionRepository, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbiFunctionRepository.class);

    /** How long a PostgreSQL connection may wait on the server; every statement here is tiny. */
    private static final Duration POSTGRES_SOCKET_TIMEOUT = Duration.ofSeconds(30);
    /** How the pool's connections show in PostgreSQL's {@code pg_stat_activity}. */
    static final String APPLICATION_NAME = "faas-function-store";
    private static final int MAX_ATTEMPTS = 5;
    /** The width of {@code changes.node_id}. */
    private static final int MAX_NODE_ID_LENGTH = 64;
    /**
     * Conflicts between concurrent transactions, worth running the whole transaction again: serialization failure
     * and deadlock (both databases), H2's lock timeout and concurrent update. Adds of one name queue on its row lock
     * instead, so these are a safety net, not the normal path.
     */
    private static final Set<String> RETRYABLE_SQL_STATES = Set.of("40001", "40P01", "HYT00", "90131");
    /** PostgreSQL shutting down or starting; with SQL state class 08 they mean the connection is gone. */
    private static final Set<String> SERVER_GONE_SQL_STATES = Set.of("57P01", "57P02", "57P03");

    private static final String COLUMNS =
            "name, version, code, handler, timeout_ms, memory_mb, max_instances, code_sha256, created_at, options";
    private static final RowMapper<FunctionDefinition> DEFINITION = JdbiFunctionRepository::mapDefinition;

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final String safeUrl;
    private final JdbiRepositoryConfig config;
    private final ChangeLog changeLog;
    private final JdbiChangeFeed changes;

    private JdbiFunctionRepository(HikariDataSource dataSource, JdbiRepositoryConfig config, String nodeId) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.safeUrl = config.jdbcUrlWithoutPassword();
        this.config = config;
        this.changeLog = new ChangeLog(nodeId, config.isPostgres());
        this.changes = new JdbiChangeFeed(jdbi, this::unavailable, config);
    }

    /**
     * Opens a connection pool on the configured database and brings its schema up to date; the changes it makes
     * are logged under a node id made up for this repository.
     *
     * @throws RepositoryUnavailableException if the database cannot be reached or migrated
     */
    public static JdbiFunctionRepository open(JdbiRepositoryConfig config) {
        return open(config, String.format("n%08x", ThreadLocalRandom.current().nextInt()));
    }

    /**
     * Opens a connection pool on the configured database and brings its schema up to date; the changes it makes
     * are logged as made by node {@code nodeId}.
     *
     * @param nodeId 1 to 64 characters naming this node among those sharing the database
     * @throws RepositoryUnavailableException if the database cannot be reached or migrated
     */
    public static JdbiFunctionRepository open(JdbiRepositoryConfig config, String nodeId) {
        Objects.requireNonNull(config, "config");
        if (nodeId == null || nodeId.isEmpty() || nodeId.length() > MAX_NODE_ID_LENGTH) {
            throw new IllegalArgumentException("a node id is 1 to " + MAX_NODE_ID_LENGTH + " characters");
        }
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(hikariConfig(config));
        } catch (RuntimeException e) {
            throw new RepositoryUnavailableException(
                    "cannot open the function store at " + config.jdbcUrlWithoutPassword() + ": "
                            + rootCause(e, config), e);
        }
        try {
            JdbiFunctionRepository repository = new JdbiFunctionRepository(dataSource, config, nodeId);
            repository.migrate();
            LOG.info("Function store open at {}", repository.safeUrl);
            return repository;
        } catch (RuntimeException e) {
            dataSource.close();
            throw new RepositoryUnavailableException(
                    "cannot open the function store at " + config.jdbcUrlWithoutPassword() + ": "
                            + rootCause(e, config), e);
        }
    }

    private static HikariConfig hikariConfig(JdbiRepositoryConfig config) {
        long timeoutMillis = config.connectionTimeout().toMillis();
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("faas-function-store");
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setConnectionTimeout(timeoutMillis);
        hikari.setValidationTimeout(Math.max(250, timeoutMillis / 2));
        // Fail open() within about one connection timeout; outages after that are waited out by the pool.
        hikari.setInitializationFailTimeout(timeoutMillis);
        if (config.isPostgres()) {
            // Bound every wait on the network, so an unreachable server fails calls instead of hanging them.
            String timeoutSeconds = String.valueOf(Math.max(1, config.connectionTimeout().toSeconds()));
            hikari.addDataSourceProperty("connectTimeout", timeoutSeconds);
            hikari.addDataSourceProperty("loginTimeout", timeoutSeconds);
            hikari.addDataSourceProperty("socketTimeout", String.valueOf(POSTGRES_SOCKET_TIMEOUT.toSeconds()));
            hikari.addDataSourceProperty("tcpKeepAlive", "true");
            hikari.addDataSourceProperty("ApplicationName", APPLICATION_NAME);
        }
        return hikari;
    }

    private void migrate() {
        String product = jdbi.withHandle(handle -> {
            try {
                return handle.getConnection().getMetaData().getDatabaseProductName();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot tell which database this is", e);
            }
        });
        String nameCollation = "PostgreSQL".equals(product) ? "COLLATE \"C\"" : "";
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .placeholders(Map.of("name_collation", nameCollation))
                .load()
                .migrate();
    }

    @Override
    public FunctionDefinition add(NewFunctionVersion version) {
        Objects.requireNonNull(version, "version");
        String name = version.name().value();
        return inTransaction(handle -> {
            handle.createUpdate("INSERT INTO function_names (name, last_version) VALUES (:name, 0) ON CONFLICT DO NOTHING")
                    .bind("name", name)
                    .execute();
            // The update locks the name's row until commit, so concurrent adds of one name take turns here.
            handle.createUpdate("UPDATE function_names SET last_version = last_version + 1 WHERE name = :name")
                    .bind("name", name)
                    .execute();
            int number = handle.createQuery("SELECT last_version FROM function_names WHERE name = :name")
                    .bind("name", name)
                    .mapTo(Integer.class)
                    .one();
            FunctionDefinition definition = new NewFunctionVersion(version.name(), version.code(), version.handler(),
                    version.limits(), version.createdAt().truncatedTo(ChronoUnit.MILLIS), version.codeSha256(),
                    version.options())
                    .withVersion(number);
            OffsetDateTime createdAt = OffsetDateTime.ofInstant(definition.createdAt(), ZoneOffset.UTC);
            handle.createUpdate("INSERT INTO function_versions (" + COLUMNS + ") VALUES (:name, :version, :code,"
                            + " :handler, :timeout_ms, :memory_mb, :max_instances, :code_sha256, :created_at, :options)")
                    .bind("name", name)
                    .bind("version", number)
                    .bind("code", definition.code())
                    .bind("handler", definition.handler())
                    .bind("timeout_ms", definition.limits().timeout().toMillis())
                    .bind("memory_mb", definition.limits().memoryMb())
                    .bind("max_instances", definition.limits().maxInstances())
                    .bind("code_sha256", definition.codeSha256())
                    .bind("created_at", (position, statement, context) -> statement.setObject(position, createdAt))
                    .bind("options", VersionOptionsColumn.write(definition.options()))
                    .execute();
            changeLog.record(handle, Change.FUNCTION_REGISTERED, definition.id().toString());
            return definition;
        });
    }

    @Override
    public Optional<FunctionDefinition> find(FunctionId id) {
        Objects.requireNonNull(id, "id");
        return withHandle(handle -> handle
                .createQuery("SELECT " + COLUMNS + " FROM function_versions WHERE name = :name AND version = :version")
                .bind("name", id.name().value())
                .bind("version", id.version())
                .map(DEFINITION)
                .findOne());
    }

    @Override
    public Optional<FunctionDefinition> findLatest(FunctionName name) {
        Objects.requireNonNull(name, "name");
        return withHandle(handle -> handle
                .createQuery("SELECT " + COLUMNS + " FROM function_versions WHERE name = :name"
                        + " ORDER BY version DESC LIMIT 1")
                .bind("name", name.value())
                .map(DEFINITION)
                .findOne());
    }

    @Override
    public List<FunctionDefinition> versions(FunctionName name) {
        Objects.requireNonNull(name, "name");
        return withHandle(handle -> handle
                .createQuery("SELECT " + COLUMNS + " FROM function_versions WHERE name = :name ORDER BY version")
                .bind("name", name.value())
                .map(DEFINITION)
                .list());
    }

    @Override
    public List<FunctionSummary> list(FunctionName afterName, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        // Every name sorts after the empty string, which spares a nullable parameter PostgreSQL cannot type.
        String after = afterName == null ? "" : afterName.value();
        return withHandle(handle -> handle
                .createQuery("SELECT page.name, page.latest_version, page.version_count, latest.options"
                        + " FROM (SELECT name, MAX(version) AS latest_version, COUNT(*) AS version_count"
                        + " FROM function_versions WHERE name > :after GROUP BY name ORDER BY name LIMIT :limit) page"
                        + " JOIN function_versions latest"
                        + " ON latest.name = page.name AND latest.version = page.latest_version ORDER BY page.name")
                .bind("after", after)
                .bind("limit", limit)
                .map((resultSet, context) -> new FunctionSummary(FunctionName.of(resultSet.getString("name")),
                        resultSet.getInt("latest_version"), resultSet.getInt("version_count"),
                        VersionOptionsColumn.read(resultSet.getString("options")).runtime()))
                .list());
    }

    @Override
    public boolean delete(FunctionId id) {
        Objects.requireNonNull(id, "id");
        return inTransaction(handle -> {
            lockName(handle, id.name());
            boolean deleted = handle
                    .createUpdate("DELETE FROM function_versions WHERE name = :name AND version = :version")
                    .bind("name", id.name().value())
                    .bind("version", id.version())
                    .execute() > 0;
            if (deleted) {
                changeLog.record(handle, Change.FUNCTION_DELETED, id.toString());
            }
            return deleted;
        });
    }

    @Override
    public List<FunctionId> deleteAll(FunctionName name) {
        Objects.requireNonNull(name, "name");
        return inTransaction(handle -> {
            lockName(handle, name);
            List<FunctionId> deleted = handle
                    .createQuery("SELECT version FROM function_versions WHERE name = :name ORDER BY version")
                    .bind("name", name.value())
                    .mapTo(Integer.class)
                    .map(version -> new FunctionId(name, version))
                    .list();
            handle.createUpdate("DELETE FROM function_versions WHERE name = :name")
                    .bind("name", name.value())
                    .execute();
            deleted.forEach(id -> changeLog.record(handle, Change.FUNCTION_DELETED, id.toString()));
            return deleted;
        });
    }

    /**
     * The API key store in the same database, sharing this repository's connection pool, schema migration and outage
     * handling; it works until this repository is closed.
     */
    public JdbiApiKeyRepository apiKeys() {
        return new JdbiApiKeyRepository(jdbi, this::unavailable, changeLog);
    }

    /** The secrets (sealed values) in the same database, over the same connection pool. */
    public JdbiSecretRepository secrets() {
        return new JdbiSecretRepository(jdbi, this::unavailable);
    }

    /**
     * The activations (asynchronous calls and their records) in the same database, sharing this repository's
     * connection pool, schema migration and outage handling; it works until this repository is closed.
     */
    public JdbiActivationStore activations() {
        return new JdbiActivationStore(this, config.isPostgres());
    }

    /** The schedules in the same database, sharing this repository's connection pool; closed with it. */
    public JdbiScheduleStore schedules() {
        return new JdbiScheduleStore(this);
    }

    /**
     * The change log of this database, which this repository and its {@link #apiKeys()} write to; the same feed at
     * every call, closed with this repository.
     */
    public JdbiChangeFeed changes() {
        return changes;
    }

    @Override
    public Optional<ChangeFeed> changeFeed() {
        return Optional.of(changes);
    }

    /** The node id this repository logs its changes under. */
    public String nodeId() {
        return changeLog.nodeId();
    }

    @Override
    public Optional<ActivationStore> activationStore() {
        return Optional.of(activations());
    }

    @Override
    public Optional<ScheduleStore> scheduleStore() {
        return Optional.of(schedules());
    }

    @Override
    public int pruneChangesBefore(Instant cutoff, int batch) {
        return activations().pruneChangesBefore(cutoff, batch);
    }

    @Override
    public Optional<SecretRepository> secretRepository() {
        return Optional.of(secrets());
    }

    @Override
    public Optional<String> writerNodeId() {
        return Optional.of(nodeId());
    }

    /** Stops listening for changes and closes the connection pool; the repository cannot be used afterwards. */
    @Override
    public void close() {
        changes.close();
        dataSource.close();
    }

    /**
     * Locks the name's counter row, which every add of the name also locks, so a delete sees no add half done and
     * neither UPDATE ... RETURNING nor DELETE ... RETURNING (H2 has neither) is needed.
     */
    private static void lockName(Handle handle, FunctionName name) {
        handle.createQuery("SELECT last_version FROM function_names WHERE name = :name FOR UPDATE")
                .bind("name", name.value())
                .mapTo(Integer.class)
                .findOne();
    }

    private static FunctionDefinition mapDefinition(ResultSet row, StatementContext context) throws SQLException {
        Instant createdAt = row.getObject("created_at", OffsetDateTime.class).toInstant();
        return new FunctionDefinition(
                FunctionId.of(row.getString("name"), row.getInt("version")),
                row.getString("code"),
                row.getString("handler"),
                new FunctionLimits(Duration.ofMillis(row.getLong("timeout_ms")), row.getInt("memory_mb"),
                        row.getInt("max_instances")),
                createdAt,
                row.getString("code_sha256"),
                VersionOptionsColumn.read(row.getString("options")));
    }

    <T> T withHandle(HandleCallback<T, RuntimeException> work) {
        try {
            return jdbi.withHandle(work);
        } catch (JdbiException e) {
            throw unavailable(e);
        }
    }

    <T> T inTransaction(HandleCallback<T, RuntimeException> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(work);
            } catch (JdbiException e) {
                if (attempt >= MAX_ATTEMPTS || !isConflict(e)) {
                    throw unavailable(e);
                }
                LOG.debug("Transaction conflict on attempt {}, running it again: {}", attempt, e.toString());
                pauseBeforeAttempt(attempt + 1, e);
            }
        }
    }

    private void pauseBeforeAttempt(int attempt, JdbiException conflict) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(conflict);
        }
    }

    private static boolean isConflict(Throwable error) {
        return anySqlState(error, RETRYABLE_SQL_STATES::contains);
    }

    private static boolean isConnectionLost(Throwable error) {
        return anySqlState(error, state -> state.startsWith("08") || SERVER_GONE_SQL_STATES.contains(state));
    }

    private static boolean anySqlState(Throwable error, Predicate<String> test) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null && test.test(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private RepositoryUnavailableException unavailable(JdbiException error) {
        if (isConnectionLost(error)) {
            // One dead connection usually means the server restarted and every pooled one is dead: drop them all
            // now, or each would fail one more call after the database is back.
            HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
            if (pool != null) {
                pool.softEvictConnections();
            }
        }
        return new RepositoryUnavailableException(
                "the function store at " + safeUrl + " is unavailable: " + rootCause(error, config), error);
    }

    /** The innermost cause as one line, without the config's credentials should a driver ever echo them. */
    static String rootCause(Throwable error, JdbiRepositoryConfig config) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage().strip();
        int lineEnd = message.indexOf('\n');
        if (lineEnd >= 0) {
            message = message.substring(0, lineEnd).strip();
        }
        // Drivers and pools quote what they were given (Hikari: "claims to not accept jdbcUrl, ...").
        message = config.withoutCredentials(message);
        return root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
