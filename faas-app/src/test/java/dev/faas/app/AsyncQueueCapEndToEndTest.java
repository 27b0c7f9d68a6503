package dev.faas.app;

import static dev.faas.app.SeedApiEndToEndTest.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code FAAS_ASYNC_QUEUE_MAX} over real HTTP with the embedded H2 store: a node with one asynchronous slot busy with
 * a slow call and a cap of one waiting call per function; the next call to that function, on any invoke endpoint, is
 * refused with 429 {@code async-queue-full} and {@code Retry-After}, and leaves no record; another function's call
 * still queues, and once the queue drains the function takes calls again.
 */
class AsyncQueueCapEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SLOW = "import time\ndef user_function(seconds=0):\n    time.sleep(seconds)\n"
            + "    return seconds";

    // The queue timeout is the server's default (10 s), not the extension's.
    @RegisterExtension
    static final ProcessServerExtension SERVER = new ProcessServerExtension().withEmbeddedStore()
            .with("FAAS_MAX_INSTANCES", "1").with("FAAS_ASYNC_SHARE", "100").with("FAAS_ASYNC_QUEUE_MAX", "1")
            .with("FAAS_ASYNC_POLL_INTERVAL", "100ms").with("FAAS_QUEUE_TIMEOUT", "10s");

    private static final HttpClientSupport http = SERVER.http();

    @BeforeAll
    static void registerFunctions() {
        for (String name : new String[] {"slow", "other"}) {
            assertThat(http.post("/register", JSON.createObjectNode().put("name", name).put("code", SLOW).toString())
                    .statusCode()).isEqualTo(200);
        }
    }

    @Test
    void givenAFunctionWithItsQueueFull_asyncInvoke_is429AsyncQueueFull_andOtherFunctionsStillQueue()
            throws Exception {
        String running = accepted(http.post("/functions/slow/invoke?async=true", "{\"seconds\":3}"));
        await("the first call running").atMost(Duration.ofSeconds(30))
                .until(() -> status(running).equals("running"));
        String waiting = accepted(http.post("/functions/slow/invoke?async=true", "{\"seconds\":0}"));
        int recordsBefore = records("slow");

        HttpResponse<String> refused = http.post("/functions/slow/versions/1/invoke?async=true", "{}");
        HttpResponse<String> refusedSeed = http.send(http.request("/invoke").header("Prefer", "respond-async")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"slow-1\",\"params\":{}}")));

        for (HttpResponse<String> reply : java.util.List.of(refused, refusedSeed)) {
            JsonNode problem = problem(reply, 429, "urn:faas:problem:async-queue-full");
            assertThat(problem.get("function").asText()).isEqualTo("slow");
            assertThat(problem.get("queueMax").asInt()).isEqualTo(1);
            assertThat(reply.headers().firstValue("Retry-After")).hasValueSatisfying(seconds ->
                    assertThat(Integer.parseInt(seconds)).isPositive());
        }
        assertThat(records("slow")).as("a refused call leaves no record").isEqualTo(recordsBefore);
        String other = accepted(http.post("/functions/other/invoke?async=true", "{}"));

        await("the queue drained").atMost(Duration.ofSeconds(60)).until(() -> status(waiting).equals("succeeded")
                && status(other).equals("succeeded"));
        assertThat(status(running)).isEqualTo("succeeded");
        accepted(http.post("/functions/slow/invoke?async=true", "{}"));
    }

    private static String accepted(HttpResponse<String> reply) throws Exception {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
        return JSON.readTree(reply.body()).get("activationId").asText();
    }

    private static String status(String id) throws Exception {
        return JSON.readTree(http.get("/activations/" + id).body()).get("status").asText();
    }

    private static int records(String function) throws Exception {
        return JSON.readTree(http.get("/activations?function=" + function + "&limit=1000").body())
                .get("activations").size();
    }
}
