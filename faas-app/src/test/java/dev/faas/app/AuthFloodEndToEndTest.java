package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.app.reliability.ServerUnderTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of random, well-formed bearer tokens against the real server with keys: every one is refused, the node's
 * budget of lookups for unknown tokens runs dry (its log says so) instead of the database taking one query per
 * token, and the configured key keeps working throughout.
 */
class AuthFloodEndToEndTest {

    private static final String ADMIN_KEY = "flood-admin-key-0123456789abcdef";
    private static final int TOKENS = 2_000;
    private static final int IN_FLIGHT = 16;

    @TempDir
    Path workDirectory;

    @Test
    void floodOfRandomTokens_isRefused_exhaustsTheLookupBudget_andTheKeyKeepsWorking() throws Exception {
        try (ServerUnderTest server = ServerUnderTest.start(workDirectory, Map.of(
                "FAAS_API_KEYS", ADMIN_KEY + ":admin", "FAAS_PREWARM", "0"))) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI keys = URI.create("http://127.0.0.1:" + server.port() + "/admin/keys");
            assertThat(get(client, keys, ADMIN_KEY).join().statusCode()).isEqualTo(200);

            long start = System.nanoTime();
            List<Integer> statuses = new ArrayList<>();
            for (int sent = 0; sent < TOKENS; sent += IN_FLIGHT) {
                List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
                for (int i = 0; i < IN_FLIGHT; i++) {
                    batch.add(get(client, keys, randomWellFormedToken()));
                }
                batch.forEach(call -> statuses.add(call.join().statusCode()));
                assertThat(get(client, keys, ADMIN_KEY).join().statusCode()).isEqualTo(200);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;

            System.out.printf("%d random tokens in %d ms, all refused%n", TOKENS, millis);
            assertThat(statuses).hasSize(TOKENS).containsOnly(401);
            // Logged while a refused request was served, so before its answer came.
            assertThat(server.log())
                    .contains("unknown API keys a second: tokens not seen before are refused without a lookup");
        }
    }

    private static CompletableFuture<HttpResponse<String>> get(HttpClient client, URI uri, String key) {
        return client.sendAsync(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String randomWellFormedToken() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "faas_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
