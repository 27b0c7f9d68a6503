package dev.faas.adapter.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.testkit.EmbeddedPostgresExtension;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The repository rides out a PostgreSQL restart: it fails fast while the database is gone and recovers by itself. */
@Tag("postgres")
class PostgresOutageTest {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresOutageTest.class);

    @RegisterExtension
    final EmbeddedPostgresExtension postgres = EmbeddedPostgresExtension.restartable();

    @Test
    void givenDatabaseStoppedAndStartedAgain_add_failsFastThenWorksWithoutReopening() throws IOException {
        postgres.start();
        JdbiRepositoryConfig config = new JdbiRepositoryConfig(
                "jdbc:postgresql://localhost:" + postgres.port() + "/postgres", "postgres", "", 4, Duration.ofSeconds(2));
        try (JdbiFunctionRepository repository = JdbiFunctionRepository.open(config)) {
            assertThat(repository.add(JdbiFunctionRepositoryTest.newVersion("before")).version()).isEqualTo(1);

            postgres.stop();
            // The first call may meet a pooled connection the server just closed, the second waits for a new one.
            assertFailsWithinSeconds(repository, "while stopped, on a pooled connection");
            assertFailsWithinSeconds(repository, "while stopped, on a new connection");

            postgres.start();
            long start = System.nanoTime();
            assertThat(repository.add(JdbiFunctionRepositoryTest.newVersion("after")).version()).isEqualTo(2);
            LOG.info("first add after the restart took {} ms", (System.nanoTime() - start) / 1_000_000);
            assertThat(repository.versions(JdbiFunctionRepositoryTest.newVersion("").name()))
                    .extracting(definition -> definition.code())
                    .containsExactly("before", "after");
        }
    }

    private static void assertFailsWithinSeconds(JdbiFunctionRepository repository, String situation) {
        long start = System.nanoTime();
        Throwable failure = catchThrowable(() -> repository.add(JdbiFunctionRepositoryTest.newVersion("lost")));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(failure).as(situation)
                .isInstanceOf(RepositoryUnavailableException.class)
                .hasMessageContaining("localhost");
        LOG.info("add failed {} after {} ms: {}", situation, took.toMillis(), failure.getMessage());
        // A liveness bound, not a speed figure: with a 2 s connection timeout the call must give up, not hang.
        assertThat(took).as(situation).isLessThan(Duration.ofSeconds(10));
    }
}
