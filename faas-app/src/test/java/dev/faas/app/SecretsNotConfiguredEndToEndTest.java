package dev.faas.app;

import static dev.faas.app.SeedApiEndToEndTest.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Without FAAS_SECRETS_KEY the secrets API and versions naming secrets answer 503, saying how to set a key. */
class SecretsNotConfiguredEndToEndTest {

    @RegisterExtension
    static final ProcessServerExtension SERVER = new ProcessServerExtension();

    private static final HttpClientSupport http = SERVER.http();

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
