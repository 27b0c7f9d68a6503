package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's consent to egress over real HTTP: without {@code FAAS_EGRESS=on} a registration asking for it is a
 * 403 problem that says how to allow it, and nothing is stored; with it, the version is stored and shows its network
 * mode; a mode that is neither none nor egress is a 400 naming the field; bad settings stop the server at start.
 */
class EgressConsentEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CODE = "def user_function():\\n    return 1";

    @TempDir
    Path dataDir;

    @Test
    void egressOff_registeringEgress_isA403ProblemSayingHowToAllowIt_andNothingIsStored() throws Exception {
        try (FaasServer server = start(Map.of())) {
            HttpClientSupport http = new HttpClientSupport(server.port());

            HttpResponse<String> refused = http.post("/register", registration("fetch", "egress"));
            HttpResponse<String> lookup = http.get("/functions/fetch");

            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            JsonNode problem = JSON.readTree(refused.body());
            assertThat(problem.path("type").asText()).isEqualTo("urn:faas:problem:egress-not-allowed");
            assertThat(problem.path("field").asText()).isEqualTo("network");
            assertThat(problem.path("detail").asText()).contains("FAAS_EGRESS=on");
            assertThat(lookup.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void egressOn_registeringEgress_storesTheVersionWithItsNetworkMode_andNoneStaysTheDefault() throws Exception {
        try (FaasServer server = start(Map.of("FAAS_EGRESS", "on"))) {
            HttpClientSupport http = new HttpClientSupport(server.port());

            HttpResponse<String> egress = http.post("/register", registration("fetch", "egress"));
            HttpResponse<String> seed = http.post("/register",
                    "{\"name\": \"plain\", \"code\": \"" + CODE + "\"}");

            assertThat(egress.body()).isEqualTo("{\"result\":\"fetch-1\"}");
            assertThat(seed.body()).isEqualTo("{\"result\":\"plain-1\"}");
            assertThat(JSON.readTree(http.get("/functions/fetch").body()).path("versions").get(0).path("network")
                    .asText()).isEqualTo("egress");
            assertThat(JSON.readTree(http.get("/functions/plain").body()).path("versions").get(0).path("network")
                    .asText()).isEqualTo("none");
        }
    }

    @Test
    void unknownOrMistypedNetworkMode_isA400NamingTheField() throws Exception {
        try (FaasServer server = start(Map.of("FAAS_EGRESS", "on"))) {
            HttpClientSupport http = new HttpClientSupport(server.port());

            for (String network : new String[] {"\"host\"", "\"EGRESS\"", "true", "[\"egress\"]", "\"\""}) {
                HttpResponse<String> reply = http.post("/register", "{\"name\": \"bad\", \"code\": \"" + CODE
                        + "\", \"network\": " + network + "}");
                assertThat(reply.statusCode()).as(network).isEqualTo(400);
                assertThat(JSON.readTree(reply.body()).path("field").asText()).as(network).isEqualTo("network");
            }
        }
    }

    @Test
    void badEgressSettings_areRefusedAtStart_namingTheVariable() {
        for (Map.Entry<String, String> setting : Map.of("FAAS_EGRESS", "yes", "FAAS_EGRESS_ALLOW", "10.0.0.0/99",
                "FAAS_EGRESS_DENY", "metadata.internal").entrySet()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> FaasConfig.fromEnvironment(Map.of(
                            setting.getKey(), setting.getValue())))
                    .isInstanceOf(ConfigException.class).hasMessageContaining(setting.getKey());
        }
    }

    private FaasServer start(Map<String, String> extra) {
        Map<String, String> environment = new java.util.HashMap<>(Map.of("FAAS_PORT", "0", "FAAS_PREWARM", "0",
                "FAAS_DATA_DIR", dataDir.toString()));
        environment.putAll(extra);
        return FaasServer.start(FaasConfig.fromEnvironment(environment), new InMemoryFunctionRepository(),
                new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(dataDir.resolve("instances"))));
    }

    private static String registration(String name, String network) {
        return "{\"name\": \"" + name + "\", \"code\": \"" + CODE + "\", \"network\": \"" + network + "\"}";
    }
}
