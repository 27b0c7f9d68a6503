package dev.faas.adapter.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.NewFunctionVersion;
import dev.faas.testkit.ChangeFeedContract;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

@Tag("postgres")
class PostgresChangeFeedTest extends ChangeFeedContract {

    private static final String NODE_ID = "pg-node";

    @RegisterExtension
    static final PostgresStore database = PostgresStore.open(NODE_ID);

    @Override
    protected Store createStore() {
        JdbiFunctionRepository repository = database.repository();
        return new Store(repository, repository.apiKeys(), repository.changes(), NODE_ID);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void givenListeningConnectionKilled_awaitChanges_listensAgainOnAConnectionOutsideThePool() throws Exception {
        JdbiChangeFeed feed = database.repository().changes();
        feed.awaitChanges(Duration.ofMillis(50));
        assertThat(listeners()).isEqualTo(1);

        try (Connection admin = database.dataSource().getConnection()) {
            admin.createStatement().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE application_name = '" + JdbiChangeFeed.LISTENER_APPLICATION_NAME + "'");
        }
        await("listening again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> {
            feed.awaitChanges(Duration.ofMillis(100));
            return listeners() > 0;
        });
        assertThat(listeners()).as("listening again").isEqualTo(1);

        FunctionDefinition version = database.repository().add(new NewFunctionVersion(uniqueName("relisten"), "a",
                "user_function", new FunctionLimits(Duration.ofSeconds(1), 128, 1), Instant.now(), "0".repeat(64)));
        FutureTask<Long> waited = awaitChangesInBackground(feed, Duration.ofMinutes(5));
        database.repository().delete(version.id());

        assertThat(waited.get(45, TimeUnit.SECONDS)).isLessThan(Duration.ofMinutes(5).toMillis());
    }

    private static int listeners() throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet rows = connection.createStatement().executeQuery("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE application_name = '" + JdbiChangeFeed.LISTENER_APPLICATION_NAME + "'")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
