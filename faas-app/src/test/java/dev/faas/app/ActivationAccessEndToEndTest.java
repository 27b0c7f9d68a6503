package dev.faas.app;

import static dev.faas.app.SeedApiEndToEndTest.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who reads an activation, on a server with API keys: an invoke key reads (and lists) only the activations it made,
 * asynchronous or recorded, through any invoke endpoint; another invoke key gets the same 404 as for an id that never
 * existed, so it cannot learn which exist; an admin key reads and lists them all. (A server without keys is
 * unchanged: everyone reads everything, see {@link AsyncApiEndToEndTest}.)
 */
class ActivationAccessEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "access-admin-key-0123456789abcdef";
    private static final String ALICE = "access-alice-key-0123456789abcdef";
    private static final String BOB = "access-bob-key-0123456789abcdef00";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dataDir;

    private static FaasServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = FaasServer.start(FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "FAAS_RUNTIME", "process",
                "FAAS_PREWARM", "0", "FAAS_DATA_DIR", dataDir.toString(), "FAAS_BIND", "127.0.0.1",
                "FAAS_API_KEYS", ADMIN + ":admin," + ALICE + ":invoke," + BOB + ":invoke")));
        HttpResponse<String> registered = send("POST", "/register",
                "{\"name\":\"greeter\",\"code\":\"def user_function(name='x'):\\n    return 'Hello, ' + name\"}",
                ADMIN);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void anInvokeKeyReadsItsOwnActivations_anotherInvokeKeyGets404_andAnAdminReadsAll() throws Exception {
        List<String> alices = new ArrayList<>();
        alices.add(accepted(send("POST", "/functions/greeter/invoke?async=true", "{\"name\":\"a\"}", ALICE)));
        alices.add(accepted(send("POST", "/functions/greeter/versions/1/invoke", "{}", ALICE,
                "Prefer", "respond-async")));
        alices.add(accepted(send("POST", "/invoke", "{\"name\":\"greeter-1\",\"params\":{}}", ALICE,
                "Prefer", "respond-async")));
        HttpResponse<String> recorded = send("POST", "/functions/greeter/invoke?record=true", "{}", ALICE);
        assertThat(recorded.statusCode()).isEqualTo(200);
        alices.add(recorded.headers().firstValue("X-Faas-Activation-Id").orElseThrow());
        String bobs = accepted(send("POST", "/functions/greeter/invoke?async=true", "{}", BOB));
        for (String id : alices) {
            await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(send("GET", "/activations/" + id, null,
                    ALICE).body()).path("status").asText().equals("succeeded"));
        }

        for (String id : alices) {
            assertThat(send("GET", "/activations/" + id, null, ALICE).statusCode()).isEqualTo(200);
            assertThat(send("GET", "/activations/" + id, null, ADMIN).statusCode()).isEqualTo(200);
            JsonNode hidden = problem(send("GET", "/activations/" + id, null, BOB), 404,
                    "urn:faas:problem:activation-not-found");
            JsonNode absent = problem(send("GET", "/activations/" + "0".repeat(32), null, BOB), 404,
                    "urn:faas:problem:activation-not-found");
            assertThat(hidden.get("title")).isEqualTo(absent.get("title"));
            assertThat(hidden.get("detail").asText().replace(id, "ID"))
                    .isEqualTo(absent.get("detail").asText().replace("0".repeat(32), "ID"));
        }
        assertThat(send("GET", "/activations/" + bobs, null, BOB).statusCode()).isEqualTo(200);
        problem(send("GET", "/activations/" + bobs, null, ALICE), 404, "urn:faas:problem:activation-not-found");

        assertThat(ids(send("GET", "/activations?function=greeter&limit=100", null, ALICE)))
                .containsExactlyInAnyOrderElementsOf(alices);
        assertThat(ids(send("GET", "/activations?limit=100", null, BOB))).containsExactly(bobs);
        List<String> all = new ArrayList<>(alices);
        all.add(bobs);
        assertThat(ids(send("GET", "/activations?limit=100", null, ADMIN))).containsExactlyInAnyOrderElementsOf(all);
        // Deleting stays an admin's: an invoke key may not delete even its own.
        problem(send("DELETE", "/activations/" + alices.get(0), null, ALICE), 403, "urn:faas:problem:forbidden");
    }

    private static String accepted(HttpResponse<String> reply) throws Exception {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
        return JSON.readTree(reply.body()).get("activationId").asText();
    }

    private static List<String> ids(HttpResponse<String> reply) throws Exception {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        JSON.readTree(reply.body()).get("activations").forEach(item -> ids.add(item.get("activationId").asText()));
        return ids;
    }

    private static HttpResponse<String> send(String method, String path, String body, String key,
                                             String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
