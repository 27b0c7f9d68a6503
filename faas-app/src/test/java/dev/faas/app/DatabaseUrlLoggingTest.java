package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.faas.app.reliability.ServerUnderTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials written into {@code FAAS_DB_URL} ({@code user:password@}, {@code password=}, {@code user=}) never
 * reach the server's log, whether the store opens or not (issue 13, point 7).
 */
class DatabaseUrlLoggingTest {

    @TempDir
    Path workDirectory;

    @Test
    void toString_masksCredentialsInTheUrl() {
        FaasConfig config = FaasConfig.fromEnvironment(Map.of(
                "FAAS_DB_URL", "jdbc:postgresql://alice:s3cr3t@db:5432/faas?user=bob&password=hunter2"));

        assertThat(config.toString()).contains("jdbc:postgresql://***@db:5432/faas")
                .doesNotContain("alice").doesNotContain("s3cr3t").doesNotContain("bob").doesNotContain("hunter2");
    }

    @Test
    void givenAnUnreachableDatabase_theFailureIsLoggedWithoutTheUrlsCredentials() throws Exception {
        try (ServerUnderTest server = ServerUnderTest.launch(workDirectory, Map.of(
                "FAAS_DB_URL", "jdbc:postgresql://alice:s3cr3t@127.0.0.1:1/faas?user=bob&password=hunter2"),
                ServerUnderTest.freePort())) {

            int status = server.awaitExit(60);

            assertThat(status).as(server.log()).isEqualTo(Main.EXIT_STORE_UNAVAILABLE);
            assertThat(server.log()).contains("cannot open the function store")
                    .doesNotContain("s3cr3t").doesNotContain("hunter2").doesNotContain("alice").doesNotContain("bob");
        }
    }

    @Test
    void givenAnH2UrlWithCredentials_theStartedServerLogsItMasked() throws Exception {
        String url = "jdbc:h2:file:" + workDirectory.resolve("faas").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;USER=sa;PASSWORD=h2-s3cr3t";
        try (ServerUnderTest server = ServerUnderTest.start(workDirectory, Map.of("FAAS_DB_URL", url,
                "FAAS_PREWARM", "0"))) {

            // The line comes just after the port opens: wait for it.
            await("the listening line").atMost(Duration.ofSeconds(30))
                    .until(() -> server.log().contains("faas listening on"));

            assertThat(server.log()).contains("faas listening on").contains("PASSWORD=***").doesNotContain("h2-s3cr3t");
        }
    }
}
