package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.faas.testkit.EmbeddedPostgresExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
 * API keys in PostgreSQL while it goes away: keys seen before keep working (warm calls still need no database), a
 * key never seen gets 503 rather than a wrong 401, a request without a key still gets 401, and all is well again
 * once the database is back.
 */
@Tag("postgres")
class AuthStoreOutageEndToEndTest {

    private static final String ADMIN_KEY = "outage-admin-key-0123456789";
    private static final String INVOKE_KEY = "outage-invoke-key-0123456789";
    private static final String NEVER_SEEN_KEY = "outage-unseen-key-0123456789";

    @TempDir
    Path dataDir;

    @RegisterExtension
    final EmbeddedPostgresExtension postgres = EmbeddedPostgresExtension.restartable();

    @Test
    void databaseStopped_knownKeysKeepInvoking_unknownKeysGet503_thenEverythingRecovers() throws Exception {
        postgres.start();
        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "FAAS_DATA_DIR", dataDir.toString(),
                "FAAS_API_KEYS", ADMIN_KEY + ":admin," + INVOKE_KEY + ":invoke," + NEVER_SEEN_KEY + ":invoke"));
        try (FaasServer server = PostgresNodeConfig.startInProcess(config, postgres.jdbcUrl(), Duration.ofSeconds(2),
                dataDir)) {
            Client http = new Client(server.port());
            assertThat(http.post("/register", "{\"name\":\"hello\",\"code\":\"def user_function():\\n    return 'up'\"}",
                    ADMIN_KEY).statusCode()).isEqualTo(200);
            assertThat(http.post("/invoke", "{\"name\":\"hello-1\"}", INVOKE_KEY).body()).isEqualTo("{\"result\":\"up\"}");

            postgres.stop();
            // Past the cache's second, so the keys' answers are stale and looked up again (in vain). The wait is the
            // behaviour under test: the cache's time to live running out.
            Thread.sleep(1500);

            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                HttpResponse<String> invoked = http.post("/invoke", "{\"name\":\"hello-1\"}", INVOKE_KEY);
                assertThat(invoked.body()).isEqualTo("{\"result\":\"up\"}");
                // Not a speed figure: below the store's 2 s connection timeout means no call waited for it.
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("waits for no database")
                        .isLessThan(1500);
            }
            HttpResponse<String> unseen = http.post("/invoke", "{\"name\":\"hello-1\"}", NEVER_SEEN_KEY);
            SeedApiEndToEndTest.problem(unseen, 503, "urn:faas:problem:store-unavailable");
            SeedApiEndToEndTest.problem(http.post("/invoke", "{\"name\":\"hello-1\"}", null), 401,
                    "urn:faas:problem:unauthenticated");

            postgres.start();

            assertThat(awaitStatus(http, NEVER_SEEN_KEY, 200).body()).isEqualTo("{\"result\":\"up\"}");
            assertThat(http.post("/register", "{\"name\":\"hello\",\"code\":\"def user_function():\\n    return 'v2'\"}",
                    ADMIN_KEY).body()).isEqualTo("{\"result\":\"hello-2\"}");
        }
    }

    private static HttpResponse<String> awaitStatus(Client http, String key, int status) {
        return await(status + " again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> http.post("/invoke", "{\"name\":\"hello-1\"}", key), response -> response.statusCode() == status);
    }

    private record Client(int port) {

        private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> post(String path, String body, String key) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (key != null) {
                request.header("Authorization", "Bearer " + key);
            }
            try {
                return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
