package dev.faas.adapter.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.NewFunctionVersion;
import dev.faas.testkit.ChangeFeedContract;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("postgres")
class PostgresChangeFeedTest extends ChangeFeedContract {

    private static final String NODE_ID = "pg-node";

    private static EmbeddedPostgres postgres;
    private static JdbiFunctionRepository repository;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        repository = JdbiFunctionRepository.open(JdbiRepositoryConfig.of(
                "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres", "postgres", "postgres"), NODE_ID);
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (repository != null) {
            repository.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    protected Store createStore() {
        return new Store(repository, repository.apiKeys(), repository.changes(), NODE_ID);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void givenListeningConnectionKilled_awaitChanges_listensAgainOnAConnectionOutsideThePool() throws Exception {
        JdbiChangeFeed feed = repository.changes();
        feed.awaitChanges(Duration.ofMillis(50));
        assertThat(listeners()).isEqualTo(1);

        try (Connection admin = postgres.getPostgresDatabase().getConnection()) {
            admin.createStatement().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE application_name = '" + JdbiChangeFeed.LISTENER_APPLICATION_NAME + "'");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (listeners() == 0 && System.nanoTime() < deadline) {
            feed.awaitChanges(Duration.ofMillis(100));
        }
        assertThat(listeners()).as("listening again").isEqualTo(1);

        FunctionDefinition version = repository.add(new NewFunctionVersion(uniqueName("relisten"), "a",
                "user_function", new FunctionLimits(Duration.ofSeconds(1), 128, 1), Instant.now(), "0".repeat(64)));
        CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                feed.awaitChanges(Duration.ofMinutes(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        });
        Thread.sleep(300);
        repository.delete(version.id());

        assertThat(waited.get(45, TimeUnit.SECONDS)).isLessThan(Duration.ofMinutes(5).toMillis());
    }

    private static int listeners() throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             ResultSet rows = connection.createStatement().executeQuery("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE application_name = '" + JdbiChangeFeed.LISTENER_APPLICATION_NAME + "'")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
