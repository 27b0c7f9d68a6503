package dev.faas.adapter.jdbi;

import dev.faas.ports.model.Activation;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.Schedule;
import dev.faas.ports.model.ScheduleId;
import dev.faas.ports.out.ScheduleStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;

/**
 * The {@link ScheduleStore} in the function store's database ({@code schedules}, migration V6); get it from
 * {@link JdbiFunctionRepository#schedules()}. A tick is fired by the one update that still finds the
 * {@code next_fire_at} its node read, in the transaction that inserts the tick's activation. Thread-safe.
 */
public final class JdbiScheduleStore implements ScheduleStore {

    private static final String COLUMNS = "id, function_name, cron, timezone, params, created_at, next_fire_at, fired,"
            + " missed, last_fired_at";

    private final JdbiFunctionRepository repository;

    JdbiScheduleStore(JdbiFunctionRepository repository) {
        this.repository = repository;
    }

    @Override
    public void add(Schedule schedule) {
        Objects.requireNonNull(schedule, "schedule");
        repository.inTransaction(handle -> {
            SqlStatement<?> insert = handle.createUpdate("INSERT INTO schedules (" + COLUMNS + ") VALUES (:id,"
                            + " :function_name, :cron, :timezone, :params, :created_at, :next_fire_at, :fired,"
                            + " :missed, :last_fired_at)")
                    .bind("id", schedule.id().value())
                    .bind("function_name", schedule.function().value())
                    .bind("cron", schedule.cron())
                    .bind("timezone", schedule.timezone())
                    .bind("params", schedule.paramsJson())
                    .bind("fired", schedule.fired())
                    .bind("missed", schedule.missed());
            JdbiActivationStore.time(insert, "created_at", schedule.createdAt());
            JdbiActivationStore.time(insert, "next_fire_at", schedule.nextFireAt());
            JdbiActivationStore.time(insert, "last_fired_at", schedule.lastFiredAt());
            return ((Update) insert).execute();
        });
    }

    @Override
    public Optional<Schedule> find(ScheduleId id) {
        return repository.withHandle(handle -> handle
                .createQuery("SELECT " + COLUMNS + " FROM schedules WHERE id = :id")
                .bind("id", id.value())
                .map(JdbiScheduleStore::map)
                .findOne());
    }

    @Override
    public List<Schedule> list(FunctionName function) {
        return repository.withHandle(handle -> handle
                .createQuery("SELECT " + COLUMNS + " FROM schedules WHERE function_name = :function_name"
                        + " ORDER BY created_at, id")
                .bind("function_name", function.value())
                .map(JdbiScheduleStore::map)
                .list());
    }

    @Override
    public boolean delete(FunctionName function, ScheduleId id) {
        return repository.inTransaction(handle -> handle
                .createUpdate("DELETE FROM schedules WHERE id = :id AND function_name = :function_name")
                .bind("id", id.value())
                .bind("function_name", function.value())
                .execute() == 1);
    }

    @Override
    public List<Schedule> due(Instant now, int max) {
        return repository.withHandle(handle -> {
            Query query = handle.createQuery("SELECT " + COLUMNS + " FROM schedules WHERE next_fire_at <= :now"
                    + " ORDER BY next_fire_at LIMIT :max").bind("max", max);
            JdbiActivationStore.time(query, "now", now);
            return query.map(JdbiScheduleStore::map).list();
        });
    }

    @Override
    public boolean fire(ScheduleId id, Instant expected, Instant next, long missedTicks, Activation call,
                        Instant now) {
        return repository.inTransaction(handle -> {
            // A skipped tick (no call) leaves last_fired_at as it was.
            SqlStatement<?> update = handle.createUpdate(call != null
                            ? "UPDATE schedules SET next_fire_at = :next, missed = missed + :missed,"
                            + " fired = fired + 1, last_fired_at = :now WHERE id = :id AND next_fire_at = :expected"
                            : "UPDATE schedules SET next_fire_at = :next, missed = missed + :missed"
                            + " WHERE id = :id AND next_fire_at = :expected")
                    .bind("id", id.value())
                    .bind("missed", missedTicks + (call == null ? 1 : 0));
            JdbiActivationStore.time(update, "next", next);
            JdbiActivationStore.time(update, "expected", expected);
            if (call != null) {
                JdbiActivationStore.time(update, "now", now);
            }
            if (((Update) update).execute() != 1) {
                return false;
            }
            if (call != null) {
                JdbiActivationStore.insert(handle, call);
            }
            return true;
        });
    }

    private static Schedule map(ResultSet row, StatementContext context) throws SQLException {
        return new Schedule(new ScheduleId(row.getString("id")), FunctionName.of(row.getString("function_name")),
                row.getString("cron"), row.getString("timezone"), row.getString("params"),
                JdbiActivationStore.instant(row, "created_at"), JdbiActivationStore.instant(row, "next_fire_at"),
                row.getLong("fired"), row.getLong("missed"), JdbiActivationStore.instant(row, "last_fired_at"));
    }
}
