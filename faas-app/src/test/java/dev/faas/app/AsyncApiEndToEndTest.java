package dev.faas.app;

import static dev.faas.app.SeedApiEndToEndTest.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Asynchronous calls and activation records over real HTTP, with the embedded H2 store and functions as python3
 * processes: 202 with an activation id and Location on every invoke endpoint, the record's statuses, results,
 * problems and logs, listing, deletion, recorded synchronous calls, and refusals of bad parameters.
 */
class AsyncApiEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GREETER = "def user_function(name='nobody'):\n    print('greeting', name)\n"
            + "    return {'greeting': 'Hello, ' + name}";
    private static final String FAILING = "def user_function():\n    print('about to fail')\n"
            + "    raise ValueError('no luck')";

    // The queue timeout is the server's default (10 s), not the extension's.
    @RegisterExtension
    static final ProcessServerExtension SERVER = new ProcessServerExtension().withEmbeddedStore()
            .with("FAAS_MAX_INSTANCES", "4").with("FAAS_QUEUE_TIMEOUT", "10s");

    private static final HttpClientSupport http = SERVER.http();

    @BeforeAll
    static void registerFunctions() {
        assertThat(http.post("/register", registration("greeter", GREETER)).statusCode()).isEqualTo(200);
        assertThat(http.post("/register", registration("failing", FAILING)).statusCode()).isEqualTo(200);
    }

    @Test
    void asyncInvoke_answers202WithTheActivation_thenTheRecordHoldsTheResultAndLogs() throws Exception {
        HttpResponse<String> accepted = http.post("/functions/greeter/invoke?async=true", "{\"name\":\"Ada\"}");

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = JSON.readTree(accepted.body()).get("activationId").asText();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(accepted.headers().firstValue("Location")).contains("/activations/" + id);
        JsonNode done = awaitFinal(id);
        assertThat(done.get("status").asText()).isEqualTo("succeeded");
        assertThat(done.get("result")).isEqualTo(JSON.readTree("{\"greeting\":\"Hello, Ada\"}"));
        assertThat(done.get("logs").asText()).contains("greeting Ada");
        assertThat(done.get("function").asText()).isEqualTo("greeter-1");
        assertThat(done.get("async").asBoolean()).isTrue();
        assertThat(done.get("attempt").asInt()).isEqualTo(1);
        assertThat(done.get("maxAttempts").asInt()).isEqualTo(2);
        assertThat(done.get("node").asText()).isEqualTo(SERVER.server().platform().nodeId());
        assertThat(done.get("problem").isNull()).isTrue();
        for (String time : List.of("queuedAt", "startedAt", "endedAt")) {
            assertThat(done.get(time).asText()).as(time).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        }
        assertThat(done.get("startKind").asText()).isIn("cold", "warm", "prewarmed");
        assertThat(done.get("durationMs").isNumber()).isTrue();
    }

    @Test
    void preferRespondAsync_queuesOnEveryInvokeEndpoint_includingTheSeeds() throws Exception {
        List<HttpResponse<String>> replies = new ArrayList<>();
        replies.add(http.send(http.request("/invoke").header("Prefer", "respond-async")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"greeter-1\",\"params\":{\"name\":\"Seed\"}}"))));
        replies.add(http.send(http.request("/functions/greeter/versions/1/invoke")
                .header("Prefer", "wait=5, Respond-Async").POST(HttpRequest.BodyPublishers.ofString("{}"))));
        replies.add(http.send(http.request("/functions/greeter/invoke").header("Prefer", "respond-async")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Latest\"}"))));

        for (HttpResponse<String> reply : replies) {
            assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
            assertThat(reply.headers().firstValue("Preference-Applied")).contains("respond-async");
            String id = JSON.readTree(reply.body()).get("activationId").asText();
            assertThat(awaitFinal(id).get("status").asText()).isEqualTo("succeeded");
        }
        assertThat(awaitFinal(JSON.readTree(replies.get(0).body()).get("activationId").asText()).get("result")
                .get("greeting").asText()).isEqualTo("Hello, Seed");
    }

    @Test
    void asyncCallThatRaises_endsFailedWithTheFunctionErrorProblem_andIsNotRunAgain() throws Exception {
        HttpResponse<String> accepted = http.post("/functions/failing/invoke?async=true", "{}");

        JsonNode done = awaitFinal(JSON.readTree(accepted.body()).get("activationId").asText());

        assertThat(done.get("status").asText()).isEqualTo("failed");
        assertThat(done.get("attempt").asInt()).isEqualTo(1);
        assertThat(done.get("problem").get("type").asText()).isEqualTo("urn:faas:problem:function-error");
        assertThat(done.get("problem").get("detail").asText()).contains("ValueError").contains("no luck");
        assertThat(done.get("logs").asText()).contains("about to fail");
        assertThat(done.get("result").isNull()).isTrue();
    }

    @Test
    void recordTrue_servesTheCallNow_andKeepsItsRecord_whileAPlainCallLeavesNone() throws Exception {
        HttpResponse<String> plain = http.post("/functions/greeter/invoke", "{\"name\":\"Plain\"}");
        HttpResponse<String> recorded = http.post("/functions/greeter/invoke?record=true", "{\"name\":\"Rec\"}");

        assertThat(plain.headers().firstValue("X-Faas-Activation-Id")).isEmpty();
        assertThat(recorded.statusCode()).isEqualTo(200);
        assertThat(recorded.body()).isEqualTo("{\"result\":{\"greeting\":\"Hello, Rec\"}}");
        String id = recorded.headers().firstValue("X-Faas-Activation-Id").orElseThrow();
        JsonNode record = JSON.readTree(http.get("/activations/" + id).body());
        assertThat(record.get("status").asText()).isEqualTo("succeeded");
        assertThat(record.get("async").asBoolean()).isFalse();
        assertThat(record.get("result").get("greeting").asText()).isEqualTo("Hello, Rec");
        JsonNode all = JSON.readTree(http.get("/activations?function=greeter&limit=1000").body());
        for (JsonNode item : all.get("activations")) {
            assertThat(item.get("async").asBoolean() || item.get("activationId").asText().equals(id))
                    .as("only asynchronous calls and the recorded one: " + item).isTrue();
        }

        HttpResponse<String> failed = http.post("/functions/failing/invoke?record=true", "{}");
        problem(failed, 422, "urn:faas:problem:function-error");
        JsonNode failures = JSON.readTree(http.get("/activations?function=failing&status=failed").body());
        assertThat(failures.get("activations")).anySatisfy(item -> assertThat(item.get("async").asBoolean())
                .isFalse());
    }

    @Test
    void listActivations_pagesNewestFirst_byFunctionAndStatus() throws Exception {
        assertThat(http.post("/register", registration("paged", GREETER)).statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(JSON.readTree(http.post("/functions/paged/invoke?async=true", "{}").body())
                    .get("activationId").asText());
        }
        ids.forEach(this::awaitFinalQuietly);

        JsonNode first = JSON.readTree(http.get("/activations?function=paged&limit=2").body());
        JsonNode second = JSON.readTree(http.get("/activations?function=paged&limit=2&after="
                + first.get("next").asText()).body());
        JsonNode last = JSON.readTree(http.get("/activations?function=paged&limit=2&after="
                + second.get("next").asText()).body());

        List<String> listed = new ArrayList<>();
        for (JsonNode page : List.of(first, second, last)) {
            page.get("activations").forEach(item -> listed.add(item.get("activationId").asText()));
        }
        assertThat(listed).containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
        assertThat(last.get("next").isNull()).isTrue();
        assertThat(JSON.readTree(http.get("/activations?function=paged&status=failed").body())
                .get("activations")).isEmpty();
        assertThat(JSON.readTree(http.get("/activations?function=paged&status=succeeded").body())
                .get("activations")).hasSize(5);
    }

    @Test
    void deleteActivation_removesTheRecord() throws Exception {
        String id = JSON.readTree(http.post("/functions/greeter/invoke?async=true", "{}").body())
                .get("activationId").asText();
        awaitFinal(id);

        assertThat(http.delete("/activations/" + id).statusCode()).isEqualTo(204);

        problem(http.get("/activations/" + id), 404, "urn:faas:problem:activation-not-found");
        problem(http.delete("/activations/" + id), 404, "urn:faas:problem:activation-not-found");
    }

    @Test
    void badParameters_areProblemsNamingThem() throws Exception {
        assertThat(problem(http.get("/activations/not-an-id"), 400, "urn:faas:problem:invalid-request")
                .get("field").asText()).isEqualTo("id");
        assertThat(problem(http.get("/activations?status=done"), 400, "urn:faas:problem:invalid-request")
                .get("field").asText()).isEqualTo("status");
        assertThat(problem(http.get("/activations?after=xyz"), 400, "urn:faas:problem:invalid-request")
                .get("field").asText()).isEqualTo("after");
        assertThat(problem(http.get("/activations?function=-bad"), 400, "urn:faas:problem:invalid-request")
                .get("field").asText()).isEqualTo("function");
        assertThat(problem(http.post("/functions/greeter/invoke?async=maybe", "{}"), 400,
                "urn:faas:problem:invalid-request").get("field").asText()).isEqualTo("async");
        assertThat(problem(http.post("/functions/greeter/invoke?async=true&record=true", "{}"), 400,
                "urn:faas:problem:invalid-request").get("field").asText()).isEqualTo("record");
        problem(http.post("/functions/nobody/invoke?async=true", "{}"), 404, "urn:faas:problem:function-not-found");
        problem(http.post("/functions/greeter/versions/9/invoke?async=true", "{}"), 404,
                "urn:faas:problem:function-not-found");
        problem(http.post("/functions/greeter/invoke?async=true", "[1]"), 400, "urn:faas:problem:invalid-json");
        problem(http.get("/activations/" + "0".repeat(32)), 404, "urn:faas:problem:activation-not-found");
    }

    @Test
    void metrics_showTheQueueAndActivationsByStatus() throws Exception {
        String id = JSON.readTree(http.post("/functions/greeter/invoke?async=true", "{}").body())
                .get("activationId").asText();
        awaitFinal(id);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = http.get("/metrics").body();
            assertThat(metrics).contains("faas_async_queued_calls ")
                    .contains("faas_async_oldest_queued_age_seconds ")
                    .containsPattern("faas_activations\\{status=\"succeeded\"} [1-9]");
        });
    }

    private void awaitFinalQuietly(String id) {
        try {
            awaitFinal(id);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode awaitFinal(String id) throws Exception {
        JsonNode[] last = new JsonNode[1];
        await("activation " + id + " ended").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    HttpResponse<String> reply = http.get("/activations/" + id);
                    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
                    last[0] = JSON.readTree(reply.body());
                    String status = last[0].get("status").asText();
                    return !status.equals("queued") && !status.equals("running");
                });
        return last[0];
    }

    private static String registration(String name, String code) {
        try {
            return JSON.writeValueAsString(Map.of("name", name, "code", code));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
