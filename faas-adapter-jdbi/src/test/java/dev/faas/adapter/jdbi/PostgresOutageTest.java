package dev.faas.adapter.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.faas.ports.error.RepositoryUnavailableException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The repository rides out a PostgreSQL restart: it fails fast while the database is gone and recovers by itself. */
@Tag("postgres")
class PostgresOutageTest {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresOutageTest.class);

    @TempDir
    Path dataDir;

    @Test
    void givenDatabaseStoppedAndStartedAgain_add_failsFastThenWorksWithoutReopening() throws IOException {
        EmbeddedPostgres postgres = start(0);
        int port = postgres.getPort();
        JdbiRepositoryConfig config = new JdbiRepositoryConfig(
                "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "", 4, Duration.ofSeconds(2));
        try (JdbiFunctionRepository repository = JdbiFunctionRepository.open(config)) {
            assertThat(repository.add(JdbiFunctionRepositoryTest.newVersion("before")).version()).isEqualTo(1);

            postgres.close();
            // The first call may meet a pooled connection the server just closed, the second waits for a new one.
            assertFailsWithinSeconds(repository, "while stopped, on a pooled connection");
            assertFailsWithinSeconds(repository, "while stopped, on a new connection");

            postgres = start(port);
            long start = System.nanoTime();
            assertThat(repository.add(JdbiFunctionRepositoryTest.newVersion("after")).version()).isEqualTo(2);
            LOG.info("first add after the restart took {} ms", (System.nanoTime() - start) / 1_000_000);
            assertThat(repository.versions(JdbiFunctionRepositoryTest.newVersion("").name()))
                    .extracting(definition -> definition.code())
                    .containsExactly("before", "after");
        } finally {
            postgres.close();
        }
    }

    private EmbeddedPostgres start(int port) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false);
        if (port != 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    private static void assertFailsWithinSeconds(JdbiFunctionRepository repository, String situation) {
        long start = System.nanoTime();
        Throwable failure = catchThrowable(() -> repository.add(JdbiFunctionRepositoryTest.newVersion("lost")));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(failure).as(situation)
                .isInstanceOf(RepositoryUnavailableException.class)
                .hasMessageContaining("localhost");
        LOG.info("add failed {} after {} ms: {}", situation, took.toMillis(), failure.getMessage());
        assertThat(took).as(situation).isLessThan(Duration.ofSeconds(10));
    }
}
