package dev.faas.adapter.jdbi;

import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.ApiKeyPermission;
import dev.faas.ports.model.ApiKeyRecord;
import dev.faas.ports.model.Change;
import dev.faas.ports.model.StoredApiKey;
import dev.faas.ports.out.ApiKeyRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * An {@link ApiKeyRepository} in the table {@code api_keys} of the function store's database, sharing its connection
 * pool: get one from {@link JdbiFunctionRepository#apiKeys()}. Thread-safe; every operation is one short transaction,
 * which adds the key's creation or revocation to the database's change log.
 */
public final class JdbiApiKeyRepository implements ApiKeyRepository {

    /** Unique violation, in PostgreSQL and in H2. */
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String COLUMNS = "id, key_hash, role, description, created_at, revoked_at, egress";

    private final Jdbi jdbi;
    private final Function<JdbiException, RepositoryUnavailableException> unavailable;
    private final ChangeLog changeLog;

    JdbiApiKeyRepository(Jdbi jdbi, Function<JdbiException, RepositoryUnavailableException> unavailable,
                         ChangeLog changeLog) {
        this.jdbi = jdbi;
        this.unavailable = unavailable;
        this.changeLog = changeLog;
    }

    @Override
    public boolean add(ApiKeyRecord record, String keyHash) {
        Objects.requireNonNull(record, "record");
        StoredApiKey.requireHash(keyHash);
        OffsetDateTime createdAt = utc(record.createdAt());
        OffsetDateTime revokedAt = record.revoked() ? createdAt : null;
        try {
            jdbi.useTransaction(handle -> {
                handle.createUpdate("INSERT INTO api_keys (" + COLUMNS + ") VALUES (:id, :key_hash, :role,"
                                + " :description, :created_at, :revoked_at, :egress)")
                        .bind("id", record.id().value())
                        .bind("key_hash", keyHash)
                        .bind("role", record.role().wireName())
                        .bind("description", record.description())
                        .bind("egress", record.holds(ApiKeyPermission.EGRESS))
                        .bind("created_at", (position, statement, context) -> statement.setObject(position,
                                createdAt))
                        .bind("revoked_at", (position, statement, context) -> statement.setObject(position,
                                revokedAt, java.sql.Types.TIMESTAMP_WITH_TIMEZONE))
                        .execute();
                changeLog.record(handle, Change.API_KEY_CREATED, record.id().value());
            });
            return true;
        } catch (JdbiException e) {
            if (isUniqueViolation(e) && findByHash(keyHash).isPresent()) {
                return false;
            }
            throw unavailable.apply(e);
        }
    }

    @Override
    public Optional<StoredApiKey> findByHash(String keyHash) {
        Objects.requireNonNull(keyHash, "keyHash");
        return withHandle(handle -> handle
                .createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = :key_hash")
                .bind("key_hash", keyHash)
                .map((row, context) -> new StoredApiKey(mapRecord(row, context), row.getString("key_hash")))
                .findOne());
    }

    @Override
    public List<ApiKeyRecord> list() {
        return withHandle(handle -> handle
                .createQuery("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id")
                .map(JdbiApiKeyRepository::mapRecord)
                .list());
    }

    @Override
    public boolean revoke(ApiKeyId id, Instant revokedAt) {
        Objects.requireNonNull(id, "id");
        OffsetDateTime at = utc(Objects.requireNonNull(revokedAt, "revokedAt"));
        return inTransaction(handle -> {
            int revoked = handle.createUpdate("UPDATE api_keys SET revoked_at = :revoked_at"
                            + " WHERE id = :id AND revoked_at IS NULL")
                    .bind("id", id.value())
                    .bind("revoked_at", (position, statement, context) -> statement.setObject(position, at))
                    .execute();
            if (revoked > 0) {
                changeLog.record(handle, Change.API_KEY_REVOKED, id.value());
            }
            return revoked > 0 || handle.createQuery("SELECT COUNT(*) FROM api_keys WHERE id = :id")
                    .bind("id", id.value())
                    .mapTo(Integer.class)
                    .one() > 0;
        });
    }

    private static ApiKeyRecord mapRecord(ResultSet row, StatementContext context) throws SQLException {
        return new ApiKeyRecord(
                ApiKeyId.of(row.getString("id")),
                AccessRole.parse(row.getString("role")),
                row.getObject("created_at", OffsetDateTime.class).toInstant(),
                row.getObject("revoked_at", OffsetDateTime.class) != null,
                row.getString("description"),
                row.getBoolean("egress") ? Set.of(ApiKeyPermission.EGRESS) : Set.of());
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
    }

    private <T> T withHandle(HandleCallback<T, RuntimeException> work) {
        try {
            return jdbi.withHandle(work);
        } catch (JdbiException e) {
            throw unavailable.apply(e);
        }
    }

    private <T> T inTransaction(HandleCallback<T, RuntimeException> work) {
        try {
            return jdbi.inTransaction(work);
        } catch (JdbiException e) {
            throw unavailable.apply(e);
        }
    }

    private static boolean isUniqueViolation(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
