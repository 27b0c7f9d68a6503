package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A runtime per version over real HTTP, with functions as real python3 and node processes: the seed's flow with a
 * Node.js function, a Python and a Node.js version of one name side by side, the runtime in the metadata, code
 * checked at registration, an unknown runtime refused, and {@code GET /runtimes}.
 */
class NodeRuntimeEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PYTHON_SEED = "def user_function(name):\\n    return f\\\"Hello, {name}!\\\"";
    private static final String NODE_SEED = "exports.user_function = ({name}) => `Hello, ${name}!`;";

    @RegisterExtension
    static final ProcessServerExtension SERVER = new ProcessServerExtension().with("FAAS_QUEUE_TIMEOUT", "5s")
            .with("FAAS_PREWARM", "1").with("FAAS_PREWARM_NODEJS", "1");

    private static final HttpClientSupport http = SERVER.http();

    @Test
    void seedFlow_withANodeFunction_returnsTheSeedsExactBodies() {
        HttpResponse<String> registered = http.post("/register",
                "{\"name\": \"greet\", \"runtime\": \"nodejs\", \"code\": \"" + NODE_SEED + "\"}");
        HttpResponse<String> invoked = http.post("/invoke", "{\"name\": \"greet-1\", \"params\": {\"name\": \"World\"}}");

        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(registered.body()).isEqualTo("{\"result\":\"greet-1\"}");
        assertThat(invoked.statusCode()).isEqualTo(200);
        assertThat(invoked.body()).isEqualTo("{\"result\":\"Hello, World!\"}");
    }

    @Test
    void pythonAndNodeVersionsOfOneName_coexistAsHello1AndHello2() throws Exception {
        HttpResponse<String> python = http.post("/register", "{\"name\": \"hello\", \"code\": \"" + PYTHON_SEED + "\"}");
        HttpResponse<String> node = http.post("/register",
                "{\"name\": \"hello\", \"runtime\": \"nodejs\", \"code\": \"" + NODE_SEED + "\"}");
        HttpResponse<String> first = http.post("/invoke", "{\"name\": \"hello-1\", \"params\": {\"name\": \"World\"}}");
        HttpResponse<String> second = http.post("/invoke", "{\"name\": \"hello-2\", \"params\": {\"name\": \"World\"}}");
        JsonNode versions = JSON.readTree(http.get("/functions/hello").body()).get("versions");

        assertThat(python.body()).isEqualTo("{\"result\":\"hello-1\"}");
        assertThat(node.body()).isEqualTo("{\"result\":\"hello-2\"}");
        assertThat(first.body()).isEqualTo("{\"result\":\"Hello, World!\"}");
        assertThat(second.body()).isEqualTo("{\"result\":\"Hello, World!\"}");
        assertThat(versions.get(0).get("runtime").asText()).isEqualTo("python3");
        assertThat(versions.get(1).get("runtime").asText()).isEqualTo("nodejs");
    }

    @Test
    void nodeCodeWithASyntaxError_isRefusedAtRegistration_withItsLine() throws Exception {
        HttpResponse<String> refused = http.post("/register",
                "{\"name\": \"broken\", \"runtime\": \"nodejs\", \"code\": \"const a = 1;\\nexports.f = (x => x +;\"}");
        JsonNode problem = JSON.readTree(refused.body());

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(problem.get("type").asText()).isEqualTo("urn:faas:problem:invalid-code");
        assertThat(problem.toString()).contains("SyntaxError");
        assertThat(problem.get("error").get("line").asInt()).isEqualTo(2);
        assertThat(http.get("/functions/broken").statusCode()).isEqualTo(404);
    }

    @Test
    void unknownRuntime_isA400ListingTheKnownOnes() throws Exception {
        HttpResponse<String> refused = http.post("/register",
                "{\"name\": \"rb\", \"runtime\": \"ruby\", \"code\": \"puts 1\"}");
        JsonNode problem = JSON.readTree(refused.body());

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(problem.get("type").asText()).isEqualTo("urn:faas:problem:invalid-request");
        assertThat(problem.get("detail").asText()).contains("'ruby'").contains("nodejs, python3");
    }

    @Test
    void runtimes_listsPythonAndNode_withTheirVersionsAndPrewarming() throws Exception {
        HttpResponse<String> listed = http.get("/runtimes");
        JsonNode runtimes = JSON.readTree(listed.body()).get("runtimes");

        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(runtimes).hasSize(2);
        assertThat(runtimes.get(0).get("name").asText()).isEqualTo("python3");
        assertThat(runtimes.get(0).get("language").asText()).isEqualTo("python");
        assertThat(runtimes.get(0).get("prewarm").asBoolean()).isTrue();
        assertThat(runtimes.get(1).get("name").asText()).isEqualTo("nodejs");
        assertThat(runtimes.get(1).get("language").asText()).isEqualTo("javascript");
        assertThat(runtimes.get(1).get("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(runtimes.get(1).get("image").asText()).contains("node");
        assertThat(runtimes.get(1).get("prewarm").asBoolean()).as("FAAS_PREWARM_NODEJS=1").isTrue();
    }

    @Test
    void nodeFirstCall_takesAPrewarmedNodeInstance() {
        String id = JSON.valueToTree(http.post("/register",
                "{\"name\": \"warmnode\", \"runtime\": \"nodejs\", \"code\": \"" + NODE_SEED + "\"}").body())
                .toString();
        // The registration's code check took the node stock's instance; the first call meets the refilled one.
        await().atMost(Duration.ofSeconds(30)).until(() -> SERVER.server().pool().prewarmedCount() >= 2);

        HttpResponse<String> first = http.post("/invoke", "{\"name\": \"warmnode-1\", \"params\": {\"name\": \"N\"}}");

        assertThat(id).contains("warmnode-1");
        assertThat(first.body()).isEqualTo("{\"result\":\"Hello, N!\"}");
        assertThat(first.headers().firstValue("X-Faas-Start")).contains("prewarmed");
    }
}
