package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The seed's promises over real HTTP, with functions running as real python3 processes. */
class SeedApiEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SEED_CODE = "def user_function(name):\\n    return f\\\"Hello, {name}!\\\"";

    @RegisterExtension
    static final ProcessServerExtension SERVER = new ProcessServerExtension();

    private static final HttpClientSupport http = SERVER.http();

    @Test
    void seedFlow_registerAndInvoke_returnTheSeedsExactBodies() {
        HttpResponse<String> registered = http.post("/register",
                "{\"name\": \"hello\", \"code\": \"" + SEED_CODE + "\"}");
        HttpResponse<String> invoked = http.post("/invoke",
                "{\"name\": \"hello-1\", \"params\": {\"name\": \"World\"}}");
        HttpResponse<String> again = http.post("/register", "{\"name\": \"hello\", \"code\": \"" + SEED_CODE + "\"}");

        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(registered.body()).isEqualTo("{\"result\":\"hello-1\"}");
        assertThat(invoked.statusCode()).isEqualTo(200);
        assertThat(invoked.body()).isEqualTo("{\"result\":\"Hello, World!\"}");
        assertThat(invoked.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(again.body()).isEqualTo("{\"result\":\"hello-2\"}");
    }

    @Test
    void secondInvocation_reusesTheWarmProcess() {
        String id = register("warm", "calls = 0\\ndef user_function():\\n    global calls\\n    calls += 1\\n"
                + "    return calls");
        int before = SERVER.server().runtime().running().size();

        HttpResponse<String> first = invoke(id, "{}");
        HttpResponse<String> second = invoke(id, "{}");

        assertThat(first.headers().firstValue("X-Faas-Start")).contains("cold");
        assertThat(second.headers().firstValue("X-Faas-Start")).contains("warm");
        assertThat(second.body()).isEqualTo("{\"result\":2}");
        assertThat(SERVER.server().runtime().running()).hasSize(before + 1);
    }

    @Test
    void eightConcurrentSlowCalls_runSideBySideInSeveralInstances() {
        String id = register("slow", "import os, time\\ndef user_function():\\n    time.sleep(0.5)\\n"
                + "    return os.getpid()");

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> invoke(id, "{}")));
        }
        List<HttpResponse<String>> responses = calls.stream().map(CompletableFuture::join).toList();

        assertThat(responses).allSatisfy(response -> assertThat(response.body()).matches("\\{\"result\":[0-9]+}"));
        // A new instance starts only while the others are busy: several runner processes mean the calls overlapped
        // (served one after the other, they would all have gone to the first, warm, instance).
        assertThat(responses.stream().map(HttpResponse::body).distinct().count()).as("runner processes")
                .isGreaterThan(1);
    }

    @Test
    void nullResult_isSentAsJsonNull() {
        String id = register("nothing", "def user_function():\\n    return None");

        assertThat(invoke(id, "{}").body()).isEqualTo("{\"result\":null}");
    }

    @Test
    void functionThatRaises_returnsAProblemNamingThePythonException() throws Exception {
        String id = register("raises", "def user_function():\\n    print('about to fail')\\n    return 1 / 0");

        HttpResponse<String> response = invoke(id, "{}");
        JsonNode problem = problem(response, 422, "urn:faas:problem:function-error");

        assertThat(problem.at("/error/type").asText()).isEqualTo("ZeroDivisionError");
        assertThat(problem.at("/error/message").asText()).isEqualTo("division by zero");
        assertThat(problem.at("/error/traceback").asText()).contains("line 3");
        assertThat(problem.get("logs").asText()).contains("about to fail");
    }

    @Test
    void functionThatLoopsForever_isCutAtItsDeadline_andTheNextCallWorks() throws Exception {
        HttpResponse<String> registered = http.post("/register", "{\"name\":\"loop\",\"code\":\"import os\\n"
                + "def user_function(spin):\\n    while spin:\\n        pass\\n    return os.getpid()\","
                + "\"limits\":{\"timeoutMs\":1000}}");
        String id = JSON.readTree(registered.body()).get("result").asText();

        long start = System.nanoTime();
        HttpResponse<String> cut = invoke(id, "{\"spin\":true}");
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        HttpResponse<String> next = invoke(id, "{\"spin\":false}");

        problem(cut, 504, "urn:faas:problem:function-timeout");
        // The deadline holds: not cut before its 1 s, and cut (a generous liveness bound), not left to spin.
        assertThat(elapsed).isBetween(900L, 5000L);
        assertThat(next.statusCode()).isEqualTo(200);
    }

    @Test
    void malformedBodies_get400ProblemDocuments() throws Exception {
        problem(http.post("/register", "{\"name\":\"x\",\"code\":\"def user_function(): pass\"} trailing"), 400,
                "urn:faas:problem:invalid-json");
        problem(http.post("/register", "[1,2]"), 400, "urn:faas:problem:invalid-json");
        problem(http.post("/register", ""), 400, "urn:faas:problem:invalid-json");
        problem(http.post("/register", "{\"name\":\"x\",\"code\":\"a\",\"name\":\"y\"}"), 400,
                "urn:faas:problem:invalid-json");
        problem(http.post("/register", "{\"code\":\"def user_function(): pass\"}"), 400,
                "urn:faas:problem:invalid-request");
        problem(http.post("/register", "{\"name\":\"9lives\",\"code\":\"def user_function(): pass\"}"), 400,
                "urn:faas:problem:invalid-request");
        problem(http.post("/register", "{\"name\":\"x\",\"code\":42}"), 400, "urn:faas:problem:invalid-request");
        problem(http.post("/invoke", "{\"name\":\"hello-1\",\"params\":[1]}"), 400,
                "urn:faas:problem:invalid-request");
        problem(http.post("/invoke", "{\"name\":\"hello\"}"), 400, "urn:faas:problem:invalid-request");
        problem(http.post("/invoke", "{\"name\":\"hello-1\",\"params\":{\"a\":NaN}}"), 400,
                "urn:faas:problem:invalid-json");
        problem(http.post("/invoke", new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}), 400,
                "urn:faas:problem:invalid-json");
    }

    @Test
    void codeThatDoesNotLoad_isRefusedAtRegistrationWithItsLine() throws Exception {
        JsonNode problem = problem(http.post("/register",
                "{\"name\":\"broken\",\"code\":\"x = 1\\ndef user_function(:\\n    pass\"}"), 400,
                "urn:faas:problem:invalid-code");
        assertThat(problem.at("/error/type").asText()).isEqualTo("SyntaxError");
        assertThat(problem.at("/error/line").asInt()).isEqualTo(2);

        problem(http.post("/register", "{\"name\":\"nohandler\",\"code\":\"def other():\\n    pass\"}"), 400,
                "urn:faas:problem:invalid-code");
        problem(invoke("broken-1", "{}"), 404, "urn:faas:problem:function-not-found");
    }

    @Test
    void unknownFunctionsAndPaths_get404ProblemDocuments() throws Exception {
        problem(invoke("never-registered-1", "{}"), 404, "urn:faas:problem:function-not-found");
        problem(http.get("/no/such/path"), 404, "urn:faas:problem:not-found");
        problem(http.get("/invoke"), 405, "urn:faas:problem:method-not-allowed");
    }

    @Test
    void oversizedBody_isRefusedWith413() throws Exception {
        byte[] body = new byte[7 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) ' ');

        problem(http.post("/invoke", body), 413, "urn:faas:problem:payload-too-large");
    }

    private static String register(String name, String code) {
        HttpResponse<String> response = http.post("/register",
                "{\"name\":\"" + name + "\",\"code\":\"" + code + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        try {
            return JSON.readTree(response.body()).get("result").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> invoke(String id, String params) {
        return http.post("/invoke", "{\"name\":\"" + id + "\",\"params\":" + params + "}");
    }

    static JsonNode problem(HttpResponse<String> response, int status, String type) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo(type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("at dev.faas").doesNotContain("Exception:");
        return problem;
    }
}
