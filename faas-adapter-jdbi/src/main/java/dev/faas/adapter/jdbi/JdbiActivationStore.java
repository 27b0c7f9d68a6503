package dev.faas.adapter.jdbi;

import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationId;
import dev.faas.ports.model.ActivationOutcome;
import dev.faas.ports.model.ActivationQuery;
import dev.faas.ports.model.ActivationQueueStats;
import dev.faas.ports.model.ActivationStatus;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.StartKind;
import dev.faas.ports.out.ActivationStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@link ActivationStore} in the function store's database ({@code activations}, migration V6), sharing its
 * connection pool and outage handling; get it from {@link JdbiFunctionRepository#activations()}. On PostgreSQL the
 * queue is taken with {@code FOR UPDATE SKIP LOCKED}, so nodes claiming at once pass each other's rows by instead of
 * waiting for them; on H2 (one process) with {@code FOR UPDATE}. Each claimed row is then moved with an update that
 * holds only while it is still queued, so no row is ever taken twice. Thread-safe.
 */
public final class JdbiActivationStore implements ActivationStore {

    private static final String COLUMNS = "seq, id, function_name, function_version, params, status, is_async,"
            + " queued_at, started_at, lease_until, node_id, attempt, max_attempts, callback_url, result, problem_type,"
            + " problem_detail, logs, start_kind, init_ms, duration_ms, ended_at, created_by";
    /** Instants beyond what the database's timestamps hold are brought within, for bounds such as "before ever". */
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    private final JdbiFunctionRepository repository;
    private final String lockClause;

    JdbiActivationStore(JdbiFunctionRepository repository, boolean postgres) {
        this.repository = repository;
        this.lockClause = postgres ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE";
    }

    @Override
    public void add(Activation activation) {
        Objects.requireNonNull(activation, "activation");
        repository.inTransaction(handle -> {
            insert(handle, activation);
            return null;
        });
    }

    /** Inserts {@code activation} in the caller's transaction (a schedule's tick queues its call this way). */
    static void insert(Handle handle, Activation activation) {
        SqlStatement<?> insert = handle.createUpdate("INSERT INTO activations (id, function_name,"
                        + " function_version, params, status, is_async, queued_at, started_at, lease_until, node_id,"
                        + " attempt, max_attempts, callback_url, result, problem_type, problem_detail, logs, start_kind,"
                        + " init_ms, duration_ms, ended_at, created_by) VALUES (:id, :function_name, :function_version,"
                        + " :params, :status, :is_async, :queued_at, :started_at, :lease_until, :node_id, :attempt,"
                        + " :max_attempts, :callback_url, :result, :problem_type, :problem_detail, :logs, :start_kind,"
                        + " :init_ms, :duration_ms, :ended_at, :created_by)")
                .bind("id", activation.id().value())
                .bind("function_name", activation.functionId().name().value())
                .bind("function_version", activation.functionId().version())
                .bind("params", activation.paramsJson())
                .bind("status", activation.status().label())
                .bind("is_async", activation.async())
                .bind("node_id", activation.nodeId())
                .bind("attempt", activation.attempt())
                .bind("max_attempts", activation.maxAttempts())
                .bind("callback_url", activation.callbackUrl())
                .bind("created_by", activation.createdBy());
        time(insert, "queued_at", activation.queuedAt());
        time(insert, "started_at", activation.startedAt());
        time(insert, "lease_until", activation.leaseUntil());
        bindOutcome(insert, activation.outcome());
        ((org.jdbi.v3.core.statement.Update) insert).execute();
    }

    @Override
    public List<Activation> claim(String nodeId, int max, Instant now, Instant leaseUntil) {
        if (max < 1) {
            return List.of();
        }
        return repository.inTransaction(handle -> {
            List<Long> candidates = handle.createQuery("SELECT seq FROM activations WHERE status = 'queued'"
                            + " ORDER BY seq LIMIT :max" + lockClause)
                    .bind("max", max)
                    .mapTo(Long.class)
                    .list();
            List<Activation> claimed = new ArrayList<>();
            for (long seq : candidates) {
                SqlStatement<?> update = handle.createUpdate("UPDATE activations SET status = 'running',"
                                + " node_id = :node_id, attempt = attempt + 1, started_at = :now,"
                                + " lease_until = :lease_until WHERE seq = :seq AND status = 'queued'")
                        .bind("node_id", nodeId)
                        .bind("seq", seq);
                time(update, "now", now);
                time(update, "lease_until", leaseUntil);
                if (((org.jdbi.v3.core.statement.Update) update).execute() == 1) {
                    claimed.add(bySeq(handle, seq));
                }
            }
            return claimed;
        });
    }

    @Override
    public int renew(String nodeId, Collection<ActivationId> ids, Instant leaseUntil) {
        if (ids.isEmpty()) {
            return 0;
        }
        List<String> values = ids.stream().map(ActivationId::value).toList();
        return repository.inTransaction(handle -> {
            SqlStatement<?> update = handle.createUpdate("UPDATE activations SET lease_until = :lease_until"
                            + " WHERE id IN (<ids>) AND status = 'running' AND node_id = :node_id")
                    .bindList("ids", values)
                    .bind("node_id", nodeId);
            time(update, "lease_until", leaseUntil);
            return ((org.jdbi.v3.core.statement.Update) update).execute();
        });
    }

    @Override
    public boolean finish(ActivationId id, String nodeId, int attempt, ActivationOutcome outcome) {
        Objects.requireNonNull(outcome, "outcome");
        return repository.inTransaction(handle -> {
            SqlStatement<?> update = handle.createUpdate("UPDATE activations SET status = :status,"
                            + " lease_until = NULL, result = :result, problem_type = :problem_type,"
                            + " problem_detail = :problem_detail, logs = :logs, start_kind = :start_kind,"
                            + " init_ms = :init_ms, duration_ms = :duration_ms, ended_at = :ended_at"
                            + " WHERE id = :id AND status = 'running' AND node_id = :node_id AND attempt = :attempt")
                    .bind("id", id.value())
                    .bind("node_id", nodeId)
                    .bind("attempt", attempt)
                    .bind("status", outcome.status().label());
            bindOutcome(update, outcome);
            return ((org.jdbi.v3.core.statement.Update) update).execute() == 1;
        });
    }

    @Override
    public boolean requeue(ActivationId id, String nodeId, int attempt) {
        return repository.inTransaction(handle -> handle.createUpdate("UPDATE activations SET status = 'queued',"
                        + " attempt = attempt - 1, node_id = NULL, started_at = NULL, lease_until = NULL"
                        + " WHERE id = :id AND status = 'running' AND node_id = :node_id AND attempt = :attempt")
                .bind("id", id.value())
                .bind("node_id", nodeId)
                .bind("attempt", attempt)
                .execute() == 1);
    }

    @Override
    public List<Activation> recover(Instant now, Instant expireQueuedBefore, int max) {
        return repository.inTransaction(handle -> {
            List<Activation> ended = new ArrayList<>();
            Query lostQuery = handle.createQuery("SELECT seq, attempt, max_attempts FROM activations"
                            + " WHERE status = 'running' AND lease_until < :now ORDER BY seq LIMIT :max" + lockClause)
                    .bind("max", max);
            time(lostQuery, "now", now);
            List<long[]> lost = lostQuery.map((row, context) -> new long[] {row.getLong("seq"), row.getInt("attempt"),
                    row.getInt("max_attempts")}).list();
            for (long[] row : lost) {
                long seq = row[0];
                if (row[1] < row[2]) {
                    SqlStatement<?> update = handle.createUpdate("UPDATE activations SET status = 'queued',"
                                    + " lease_until = NULL WHERE seq = :seq AND status = 'running'"
                                    + " AND lease_until < :now")
                            .bind("seq", seq);
                    time(update, "now", now);
                    ((org.jdbi.v3.core.statement.Update) update).execute();
                } else {
                    Activation activation = bySeq(handle, seq);
                    ActivationOutcome outcome = ActivationOutcome.withoutRun(ActivationStatus.FAILED,
                            ActivationOutcome.NODE_LOST, ActivationOutcome.nodeLostDetail(activation), now);
                    if (endIf(handle, seq, "running", outcome)) {
                        ended.add(bySeq(handle, seq));
                    }
                }
            }
            Query expiredQuery = handle.createQuery("SELECT seq FROM activations WHERE status = 'queued'"
                            + " AND queued_at < :before ORDER BY seq LIMIT :max" + lockClause)
                    .bind("max", max);
            time(expiredQuery, "before", expireQueuedBefore);
            for (long seq : expiredQuery.mapTo(Long.class).list()) {
                Activation activation = bySeq(handle, seq);
                ActivationOutcome outcome = ActivationOutcome.withoutRun(ActivationStatus.EXPIRED,
                        ActivationOutcome.EXPIRED, ActivationOutcome.expiredDetail(activation), now);
                if (endIf(handle, seq, "queued", outcome)) {
                    ended.add(bySeq(handle, seq));
                }
            }
            return ended;
        });
    }

    private static boolean endIf(Handle handle, long seq, String status, ActivationOutcome outcome) {
        SqlStatement<?> update = handle.createUpdate("UPDATE activations SET status = :new_status,"
                        + " lease_until = NULL, result = :result, problem_type = :problem_type,"
                        + " problem_detail = :problem_detail, logs = :logs, start_kind = :start_kind,"
                        + " init_ms = :init_ms, duration_ms = :duration_ms, ended_at = :ended_at"
                        + " WHERE seq = :seq AND status = :status")
                .bind("seq", seq)
                .bind("status", status)
                .bind("new_status", outcome.status().label());
        bindOutcome(update, outcome);
        return ((org.jdbi.v3.core.statement.Update) update).execute() == 1;
    }

    @Override
    public Optional<Activation> find(ActivationId id) {
        return repository.withHandle(handle -> handle
                .createQuery("SELECT " + COLUMNS + " FROM activations WHERE id = :id")
                .bind("id", id.value())
                .map(JdbiActivationStore::map)
                .findOne());
    }

    @Override
    public List<Activation> list(ActivationQuery query) {
        return repository.withHandle(handle -> {
            Long before = null;
            if (query.after() != null) {
                Optional<Long> cursor = handle.createQuery("SELECT seq FROM activations WHERE id = :id")
                        .bind("id", query.after().value())
                        .mapTo(Long.class)
                        .findOne();
                if (cursor.isEmpty()) {
                    return List.of();
                }
                before = cursor.get();
            }
            StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM activations WHERE seq < :before");
            if (query.function() != null) {
                sql.append(" AND function_name = :function_name");
            }
            if (query.status() != null) {
                sql.append(" AND status = :status");
            }
            if (query.createdBy() != null) {
                sql.append(" AND created_by = :created_by");
            }
            sql.append(" ORDER BY seq DESC LIMIT :limit");
            Query select = handle.createQuery(sql.toString())
                    .bind("before", before == null ? Long.MAX_VALUE : before)
                    .bind("limit", query.limit());
            if (query.function() != null) {
                select.bind("function_name", query.function().value());
            }
            if (query.status() != null) {
                select.bind("status", query.status().label());
            }
            if (query.createdBy() != null) {
                select.bind("created_by", query.createdBy());
            }
            return select.map(JdbiActivationStore::map).list();
        });
    }

    @Override
    public boolean delete(ActivationId id) {
        return repository.inTransaction(handle -> handle.createUpdate("DELETE FROM activations WHERE id = :id")
                .bind("id", id.value())
                .execute() == 1);
    }

    @Override
    public int pruneEndedBefore(Instant cutoff, int batch) {
        return repository.inTransaction(handle -> {
            Query select = handle.createQuery("SELECT seq FROM activations WHERE ended_at < :cutoff"
                    + " ORDER BY ended_at LIMIT :batch").bind("batch", batch);
            time(select, "cutoff", cutoff);
            List<Long> victims = select.mapTo(Long.class).list();
            if (victims.isEmpty()) {
                return 0;
            }
            return handle.createUpdate("DELETE FROM activations WHERE seq IN (<seqs>)")
                    .bindList("seqs", victims)
                    .execute();
        });
    }

    /**
     * Deletes at most {@code batch} entries of the change log older than {@code cutoff}, oldest first; returns how
     * many. Nodes follow the log by sequence, so only a node stopped for longer than the retention could miss one.
     */
    public int pruneChangesBefore(Instant cutoff, int batch) {
        return repository.inTransaction(handle -> {
            Query select = handle.createQuery("SELECT seq FROM changes WHERE created_at < :cutoff"
                    + " ORDER BY seq LIMIT :batch").bind("batch", batch);
            time(select, "cutoff", cutoff);
            List<Long> victims = select.mapTo(Long.class).list();
            if (victims.isEmpty()) {
                return 0;
            }
            return handle.createUpdate("DELETE FROM changes WHERE seq IN (<seqs>)")
                    .bindList("seqs", victims)
                    .execute();
        });
    }

    @Override
    public long queuedFor(String functionName) {
        return repository.withHandle(handle -> handle.createQuery(
                        "SELECT COUNT(*) FROM activations WHERE status = 'queued' AND function_name = :name")
                .bind("name", functionName)
                .mapTo(Long.class)
                .one());
    }

    @Override
    public ActivationQueueStats stats() {
        return repository.withHandle(handle -> {
            Map<ActivationStatus, Long> byStatus = new EnumMap<>(ActivationStatus.class);
            handle.createQuery("SELECT status, COUNT(*) AS n FROM activations GROUP BY status")
                    .map((row, context) -> Map.entry(row.getString("status"), row.getLong("n")))
                    .forEach(entry -> byStatus.put(ActivationStatus.ofLabel(entry.getKey()), entry.getValue()));
            Instant oldest = handle.createQuery("SELECT MIN(queued_at) FROM activations WHERE status = 'queued'")
                    .map((row, context) -> {
                        OffsetDateTime value = row.getObject(1, OffsetDateTime.class);
                        return value == null ? null : value.toInstant();
                    })
                    .one();
            return new ActivationQueueStats(byStatus.getOrDefault(ActivationStatus.QUEUED, 0L), oldest, byStatus);
        });
    }

    private static Activation bySeq(Handle handle, long seq) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM activations WHERE seq = :seq")
                .bind("seq", seq)
                .map(JdbiActivationStore::map)
                .one();
    }

    private static void bindOutcome(SqlStatement<?> statement, ActivationOutcome outcome) {
        statement.bind("result", outcome == null ? null : outcome.resultJson())
                .bind("problem_type", outcome == null ? null : outcome.problemType())
                .bind("problem_detail", outcome == null ? null : outcome.problemDetail())
                .bind("logs", outcome == null ? null : outcome.logs())
                .bind("start_kind", outcome == null || outcome.startKind() == null ? null
                        : outcome.startKind().label())
                .bind("init_ms", outcome == null || outcome.initTime() == null ? null : outcome.initTime().toMillis())
                .bind("duration_ms", outcome == null || outcome.duration() == null ? null
                        : outcome.duration().toMillis());
        time(statement, "ended_at", outcome == null ? null : outcome.endedAt());
    }

    static void time(SqlStatement<?> statement, String name, Instant instant) {
        if (instant == null) {
            statement.bindNull(name, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
            return;
        }
        Instant bounded = instant.isBefore(EARLIEST) ? EARLIEST : instant.isAfter(LATEST) ? LATEST : instant;
        OffsetDateTime value = OffsetDateTime.ofInstant(bounded, ZoneOffset.UTC);
        statement.bind(name, (position, prepared, context) -> prepared.setObject(position, value));
    }

    static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Duration millis(ResultSet row, String column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : Duration.ofMillis(value);
    }

    private static Activation map(ResultSet row, StatementContext context) throws SQLException {
        ActivationStatus status = ActivationStatus.ofLabel(row.getString("status"));
        ActivationOutcome outcome = null;
        if (status.isFinal()) {
            String startKind = row.getString("start_kind");
            outcome = new ActivationOutcome(status, row.getString("result"), row.getString("problem_type"),
                    row.getString("problem_detail"), row.getString("logs"),
                    startKind == null ? null : StartKind.valueOf(startKind.toUpperCase(Locale.ROOT)),
                    millis(row, "init_ms"), millis(row, "duration_ms"), instant(row, "ended_at"));
        }
        return new Activation(new ActivationId(row.getString("id")),
                FunctionId.of(row.getString("function_name"), row.getInt("function_version")),
                row.getString("params"), status, row.getBoolean("is_async"), instant(row, "queued_at"),
                instant(row, "started_at"), instant(row, "lease_until"), row.getString("node_id"),
                row.getInt("attempt"), row.getInt("max_attempts"), row.getString("callback_url"), outcome,
                row.getString("created_by"));
    }
}
