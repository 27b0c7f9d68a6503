package dev.faas.app;

import static dev.faas.app.SeedApiEndToEndTest.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without FAAS_SECRETS_KEY the secrets API and versions naming secrets answer 503, saying how to set a key. */
class SecretsNotConfiguredEndToEndTest {

    @TempDir
    static Path dataDir;

    private static FaasServer server;
    private static HttpClientSupport http;

    @BeforeAll
    static void startServer() {
        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "FAAS_PREWARM", "0",
                "FAAS_DATA_DIR", dataDir.toString()));
        server = FaasServer.start(config, new InMemoryFunctionRepository(),
                new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(dataDir.resolve("instances"))));
        http = new HttpClientSupport(server.port());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void withoutAKey_everySecretsRequest_answers503SayingHowToSetOne() throws Exception {
        for (var answer : java.util.List.of(http.post("/secrets", "{\"name\":\"a\",\"value\":\"b\"}"),
                http.get("/secrets"), http.delete("/secrets/a"),
                http.post("/register", "{\"name\":\"f\",\"code\":\"def user_function():\\n    return 1\\n\","
                        + "\"secrets\":[\"a\"]}"))) {
            JsonNode refused = problem(answer, 503, "urn:faas:problem:secrets-not-configured");
            assertThat(refused.get("detail").asText()).contains("FAAS_SECRETS_KEY").contains("openssl rand -base64 32");
        }
        // Versions without secrets are not affected.
        assertThat(http.post("/register", "{\"name\":\"f\",\"code\":\"def user_function():\\n    return 1\\n\","
                + "\"env\":{\"A\":\"b\"}}").statusCode()).isEqualTo(200);
    }
}
