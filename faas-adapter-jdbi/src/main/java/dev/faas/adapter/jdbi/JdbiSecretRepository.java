package dev.faas.adapter.jdbi;

import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.ports.model.SecretName;
import dev.faas.ports.model.SecretRecord;
import dev.faas.ports.model.StoredSecret;
import dev.faas.ports.out.SecretRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * A {@link SecretRepository} in the table {@code secrets} of the function store's database (sealed values only),
 * sharing its connection pool: get one from {@link JdbiFunctionRepository#secrets()}. Thread-safe; every operation is
 * one short transaction. Secrets are read from the database at each use, so a value set through any node reaches
 * instances specialised on every node from then on.
 */
public final class JdbiSecretRepository implements SecretRepository {

    private final Jdbi jdbi;
    private final Function<JdbiException, RepositoryUnavailableException> unavailable;

    JdbiSecretRepository(Jdbi jdbi, Function<JdbiException, RepositoryUnavailableException> unavailable) {
        this.jdbi = jdbi;
        this.unavailable = unavailable;
    }

    @Override
    public void put(StoredSecret secret) {
        Objects.requireNonNull(secret, "secret");
        SecretRecord record = secret.record();
        String sealed = Base64.getEncoder().encodeToString(secret.sealedValue());
        OffsetDateTime createdAt = utc(record.createdAt());
        OffsetDateTime updatedAt = utc(record.updatedAt());
        try {
            jdbi.inTransaction(handle -> upsert(handle, record, sealed, createdAt, updatedAt));
        } catch (JdbiException e) {
            if (!isUniqueViolation(e)) {
                throw unavailable.apply(e);
            }
            // Another node inserted the same name between our update and insert: now the update finds it.
            inTransaction(handle -> upsert(handle, record, sealed, createdAt, updatedAt));
        }
    }

    private static Object upsert(org.jdbi.v3.core.Handle handle, SecretRecord record, String sealed,
                             OffsetDateTime createdAt, OffsetDateTime updatedAt) {
        int updated = handle.createUpdate("UPDATE secrets SET sealed_value = :sealed, updated_at = :updated_at"
                        + " WHERE name = :name")
                .bind("name", record.name().value())
                .bind("sealed", sealed)
                .bind("updated_at", (position, statement, context) -> statement.setObject(position, updatedAt))
                .execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO secrets (name, sealed_value, created_at, updated_at)"
                            + " VALUES (:name, :sealed, :created_at, :updated_at)")
                    .bind("name", record.name().value())
                    .bind("sealed", sealed)
                    .bind("created_at", (position, statement, context) -> statement.setObject(position,
                            createdAt))
                    .bind("updated_at", (position, statement, context) -> statement.setObject(position,
                            updatedAt))
                    .execute();
        }
        return null;
    }

    private static boolean isUniqueViolation(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<StoredSecret> find(SecretName name) {
        Objects.requireNonNull(name, "name");
        return withHandle(handle -> handle
                .createQuery("SELECT name, sealed_value, created_at, updated_at FROM secrets WHERE name = :name")
                .bind("name", name.value())
                .map(JdbiSecretRepository::map)
                .findOne());
    }

    @Override
    public List<StoredSecret> list() {
        return withHandle(handle -> handle
                .createQuery("SELECT name, sealed_value, created_at, updated_at FROM secrets ORDER BY name")
                .map(JdbiSecretRepository::map)
                .list());
    }

    @Override
    public boolean delete(SecretName name) {
        Objects.requireNonNull(name, "name");
        return inTransaction(handle -> handle.createUpdate("DELETE FROM secrets WHERE name = :name")
                .bind("name", name.value())
                .execute() > 0);
    }

    private static StoredSecret map(ResultSet row, StatementContext context) throws SQLException {
        return new StoredSecret(new SecretRecord(SecretName.of(row.getString("name")),
                row.getObject("created_at", OffsetDateTime.class).toInstant(),
                row.getObject("updated_at", OffsetDateTime.class).toInstant()),
                Base64.getDecoder().decode(row.getString("sealed_value")));
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
}
