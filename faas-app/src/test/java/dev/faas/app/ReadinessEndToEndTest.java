package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.testkit.EmbeddedPostgresExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code /readyz} follows PostgreSQL: ready, then 503 with the store down within seconds, then ready again. */
@Tag("postgres")
class ReadinessEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @RegisterExtension
    final EmbeddedPostgresExtension postgres = EmbeddedPostgresExtension.restartable();

    @Test
    void databaseStoppedAndRestarted_readyzGoesDownQuicklyNamingTheStore_thenUpAgain() throws Exception {
        postgres.start();
        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "FAAS_PREWARM", "0",
                "FAAS_DATA_DIR", dataDir.toString()));
        // The production timeout (FaasServer.openRepository uses 3 s), so the test sees what operators get.
        try (FaasServer server = PostgresNodeConfig.startInProcess(config, postgres.jdbcUrl(), Duration.ofSeconds(3),
                dataDir)) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            HttpResponse<String> ready = http.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("{\"status\":\"ready\",\"node\":\"" + server.platform().nodeId()
                    + "\",\"checks\":{\"store\":\"up\",\"runtime\":\"up\"}}");

            postgres.stop();

            for (int probe = 0; probe < 2; probe++) {
                long start = System.nanoTime();
                HttpResponse<String> down = http.get("/readyz");
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
                // A liveness bound over the store's 3 s timeout: the probe answers, it does not hang.
                assertThat(tookMillis).isLessThan(6_000);
                JsonNode body = JSON.readTree(down.body());
                assertThat(body.get("status").asText()).isEqualTo("not-ready");
                assertThat(body.at("/checks/store").asText()).isEqualTo("down");
                assertThat(body.at("/checks/runtime").asText()).isEqualTo("up");
                assertThat(body.at("/reasons/store").asText()).isNotBlank().doesNotContain("jdbc")
                        .doesNotContain("127.0.0.1");
                assertThat(down.headers().firstValue("X-Request-Id")).isPresent();
            }
            assertThat(http.get("/healthz").statusCode()).isEqualTo(200);

            postgres.start();

            assertThat(awaitReady(http).body()).isEqualTo(ready.body());
        }
    }

    private static HttpResponse<String> awaitReady(HttpClientSupport http) {
        return await("ready again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> http.get("/readyz"), response -> response.statusCode() == 200);
    }
}
