package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

/**
 * PostgreSQL going away under a running server: registration answers 503 quickly, loaded versions keep answering,
 * and registration works again by itself once the database is back.
 */
@Tag("postgres")
class PostgresOutageEndToEndTest {

    @TempDir
    Path dataDir;

    @RegisterExtension
    final EmbeddedPostgresExtension postgres = EmbeddedPostgresExtension.restartable();

    @Test
    void databaseStoppedAndRestarted_registerFailsFastInvokeKeepsWorking_thenRegisterRecovers() throws Exception {
        postgres.start();
        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "FAAS_DATA_DIR", dataDir.toString()));
        try (FaasServer server = PostgresNodeConfig.startInProcess(config, postgres.jdbcUrl(), Duration.ofSeconds(2),
                dataDir)) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            http.post("/register", "{\"name\":\"hello\",\"code\":\"def user_function():\\n    return 'up'\"}");
            assertThat(http.post("/invoke", "{\"name\":\"hello-1\"}").body()).isEqualTo("{\"result\":\"up\"}");

            postgres.stop();

            long start = System.nanoTime();
            HttpResponse<String> refused = http.post("/register",
                    "{\"name\":\"hello\",\"code\":\"def user_function():\\n    return 'v2'\"}");
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            SeedApiEndToEndTest.problem(refused, 503, "urn:faas:problem:store-unavailable");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            // A liveness bound over the store's 2 s connection timeout: refused, not left hanging.
            assertThat(tookMillis).isLessThan(10_000);
            assertThat(http.post("/invoke", "{\"name\":\"hello-1\"}").body()).isEqualTo("{\"result\":\"up\"}");

            postgres.start();

            HttpResponse<String> recovered = awaitRegistration(http);
            assertThat(recovered.body()).isEqualTo("{\"result\":\"hello-2\"}");
            assertThat(http.post("/invoke", "{\"name\":\"hello-2\"}").body()).isEqualTo("{\"result\":\"v2\"}");
        }
    }

    private static HttpResponse<String> awaitRegistration(HttpClientSupport http) {
        return await("registration again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> http.post("/register", "{\"name\":\"hello\",\"code\":\"def user_function():\\n"
                        + "    return 'v2'\"}"), response -> response.statusCode() == 200);
    }
}
