package dev.faas.app;

import static dev.faas.app.SeedApiEndToEndTest.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A version's environment and secrets over real HTTP, with functions running as real python3 processes and a pre-warm
 * stock: both reach a pre-warmed instance when it is specialised; every refusal has its exact problem type; and a
 * secret's value is in no log line, problem document, API answer or file of the data directory.
 */
class ConfigurationAndSecretsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A value that appears nowhere but where the function reads it. */
    private static final String SECRET_VALUE = "s3cr3t-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    private static final String READER = "import os\n"
            + "def user_function():\n"
            + "    with open(os.path.join(os.environ['FAAS_SECRETS_DIR'], 'db-password')) as f:\n"
            + "        secret = f.read()\n"
            + "    mode = oct(os.stat(os.path.join(os.environ['FAAS_SECRETS_DIR'], 'db-password')).st_mode & 0o777)\n"
            + "    return {'greeting': os.environ.get('GREETING'), 'secret': secret, 'mode': mode}\n";

    @TempDir
    static Path dataDir;

    private static FaasServer server;
    private static HttpClientSupport http;
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    @BeforeAll
    static void startServer() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LOGS.start();
        root.addAppender(LOGS);
        root.setLevel(Level.DEBUG);
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "FAAS_QUEUE_TIMEOUT", "5s",
                "FAAS_PREWARM", "1", "FAAS_DATA_DIR", dataDir.toString(),
                "FAAS_SECRETS_KEY", Base64.getEncoder().encodeToString(key)));
        server = FaasServer.start(config, FaasServer.openRepository(config, "node-a"),
                new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(dataDir.resolve("instances"))));
        http = new HttpClientSupport(server.port());
    }

    @AfterAll
    static void stopServer() throws IOException {
        try {
            server.close();
        } finally {
            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAppender(LOGS);
            root.setLevel(Level.INFO);
        }
        // Nothing the platform wrote, log or database, holds the value: only its sealed form is stored.
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(LOGS.list)) {
            lines.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                lines.add(event.getThrowableProxy().getMessage());
            }
        }
        assertThat(lines).isNotEmpty().noneMatch(line -> line != null && line.contains(SECRET_VALUE));
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString())
                        .doesNotContain(SECRET_VALUE);
            }
        }
    }

    @Test
    void versionWithEnvAndSecret_firstCallOnAPrewarmedInstance_seesBoth() throws Exception {
        JsonNode stored = json(http.post("/secrets", "{\"name\":\"db-password\",\"value\":\"" + SECRET_VALUE + "\"}"),
                200);
        assertThat(stored.get("name").asText()).isEqualTo("db-password");
        assertThat(stored.toString()).doesNotContain(SECRET_VALUE);

        String id = register("{\"name\":\"configured\",\"code\":" + JSON.writeValueAsString(READER)
                + ",\"env\":{\"GREETING\":\"hi there\"},\"secrets\":[\"db-password\"]}");
        awaitStock();
        HttpResponse<String> call = http.post("/functions/configured/invoke", "{}");

        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
        assertThat(call.headers().firstValue("X-Faas-Start")).contains("prewarmed");
        JsonNode result = JSON.readTree(call.body()).get("result");
        assertThat(result.get("greeting").asText()).isEqualTo("hi there");
        assertThat(result.get("secret").asText()).isEqualTo(SECRET_VALUE);
        assertThat(result.get("mode").asText()).isEqualTo("0o400");

        // Admins read the environment and the secret's name back, never its value.
        String version = http.get("/functions/configured/versions/" + id.substring(id.lastIndexOf('-') + 1)).body();
        assertThat(JSON.readTree(version).get("env").get("GREETING").asText()).isEqualTo("hi there");
        assertThat(JSON.readTree(version).get("secrets").get(0).asText()).isEqualTo("db-password");
        assertThat(version).doesNotContain(SECRET_VALUE);
        String list = http.get("/secrets").body();
        assertThat(JSON.readTree(list).get("secrets").get(0).get("name").asText()).isEqualTo("db-password");
        assertThat(list).doesNotContain(SECRET_VALUE);
    }

    @Test
    void rotatedSecret_reachesNewInstances_andDeletedSecret_failsWithSecretMissing() throws Exception {
        json(http.post("/secrets", "{\"name\":\"rotating\",\"value\":\"first\"}"), 200);
        register("{\"name\":\"rotator\",\"code\":" + JSON.writeValueAsString(
                "import os\ndef user_function():\n    return open(os.environ['FAAS_SECRETS_DIR'] + '/rotating').read()\n")
                + ",\"secrets\":[\"rotating\"]}");
        assertThat(http.post("/functions/rotator/invoke", "{}").body()).isEqualTo("{\"result\":\"first\"}");

        json(http.post("/secrets", "{\"name\":\"rotating\",\"value\":\"second\"}"), 200);
        // The warm instance keeps its value until it is reaped; a new one gets the new value.
        assertThat(http.post("/functions/rotator/invoke", "{}").body()).isEqualTo("{\"result\":\"first\"}");
        http.delete("/functions/rotator");
        register("{\"name\":\"rotator\",\"code\":" + JSON.writeValueAsString(
                "import os\ndef user_function():\n    return open(os.environ['FAAS_SECRETS_DIR'] + '/rotating').read()\n")
                + ",\"secrets\":[\"rotating\"]}");
        assertThat(http.post("/functions/rotator/invoke", "{}").body()).isEqualTo("{\"result\":\"second\"}");

        assertThat(http.delete("/secrets/rotating").statusCode()).isEqualTo(204);
        http.delete("/functions/rotator");
        // A version registered while the secret existed, whose instances are gone: the next start cannot have it.
        json(http.post("/secrets", "{\"name\":\"short-lived\",\"value\":\"x\"}"), 200);
        register("{\"name\":\"needs-it\",\"code\":\"def user_function():\\n    return 1\\n\","
                + "\"secrets\":[\"short-lived\"]}");
        assertThat(http.delete("/secrets/short-lived").statusCode()).isEqualTo(204);
        JsonNode missing = problem(http.post("/functions/needs-it/invoke", "{}"), 409,
                "urn:faas:problem:secret-missing");
        assertThat(missing.get("secrets").asText()).isEqualTo("short-lived");
        assertThat(missing.get("detail").asText()).contains("POST /secrets");

        problem(http.delete("/secrets/short-lived"), 404, "urn:faas:problem:secret-not-found");
    }

    @Test
    void registrationNamingAnUnknownSecret_isRefused() throws Exception {
        JsonNode refused = problem(http.post("/register", "{\"name\":\"unknown\",\"code\":\"def user_function():\\n"
                + "    return 1\\n\",\"secrets\":[\"never-stored\"]}"), 400, "urn:faas:problem:unknown-secret");
        assertThat(refused.get("field").asText()).isEqualTo("secrets");
        problem(http.post("/register", "{\"name\":\"unknown\",\"code\":\"def user_function():\\n    return 1\\n\","
                + "\"secrets\":[\"../etc/passwd\"]}"), 400, "urn:faas:problem:invalid-request");
    }

    @Test
    void badEnvironments_areRefusedWithTheirProblemTypes() throws Exception {
        String code = "\"code\":\"def user_function():\\n    return 1\\n\"";
        for (String env : List.of("{\"lower\":\"x\"}", "{\"1ABC\":\"x\"}", "{\"FAAS_SECRETS_KEY\":\"x\"}",
                "{\"A-B\":\"x\"}", "{\"NUL\":\"a\\u0000b\"}", "{\"NULL\":null}")) {
            JsonNode refused = problem(http.post("/register", "{\"name\":\"env\"," + code + ",\"env\":" + env + "}"),
                    400, "urn:faas:problem:invalid-env");
            assertThat(refused.get("field").asText()).as(env).isEqualTo("env");
        }
        problem(http.post("/register", "{\"name\":\"env\"," + code + ",\"env\":{\"A\":5}}"), 400,
                "urn:faas:problem:invalid-request");
        problem(http.post("/register", "{\"name\":\"env\"," + code + ",\"env\":{\"BIG\":\"" + "x".repeat(4093)
                + "\"}}"), 400, "urn:faas:problem:env-too-large");
        // Exactly at the limit: BIG=<4091 x> and its NUL make 4096 bytes.
        assertThat(http.post("/register", "{\"name\":\"env\"," + code + ",\"env\":{\"BIG\":\"" + "x".repeat(4091)
                + "\"}}").statusCode()).isEqualTo(200);
    }

    @Test
    void requirements_onARuntimeThatInstallsNone_areRefusedNamingTheField() throws Exception {
        JsonNode refused = problem(http.post("/register", "{\"name\":\"deps\",\"code\":\"def user_function():\\n"
                + "    return 1\\n\",\"requirements\":\"six==1.16.0\\n\"}"), 400, "urn:faas:problem:invalid-request");
        assertThat(refused.get("field").asText()).isEqualTo("requirements");
        assertThat(refused.get("detail").asText()).contains("docker runtime");
    }

    @Test
    void secretRefusals_neverQuoteTheValue() throws Exception {
        List<HttpResponse<String>> answers = List.of(
                http.post("/secrets", "{\"name\":\"bad name\",\"value\":\"" + SECRET_VALUE + "\"}"),
                http.post("/secrets", "{\"name\":\"ok\",\"value\":\"" + SECRET_VALUE + "\",\"extra\":1}"),
                http.post("/secrets", "{\"name\":\"ok\",\"value\":[\"" + SECRET_VALUE + "\"]}"),
                http.post("/secrets", "{\"name\":\"ok\",\"value\":\"" + SECRET_VALUE + "\""),
                http.post("/secrets", "{\"name\":\"ok\",\"value\":\"" + SECRET_VALUE + "\"} trailing"),
                http.post("/secrets", "{\"name\":\"ok\",\"value\":\"" + SECRET_VALUE + "\",\"value\":\"y\"}"),
                http.post("/secrets", "{\"name\":\"ok\",\"value\":\"" + "v".repeat(70_000) + SECRET_VALUE + "\"}"));
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).as(answer.body()).isBetween(400, 499);
            assertThat(answer.body()).doesNotContain(SECRET_VALUE);
        }
        problem(answers.get(0), 400, "urn:faas:problem:invalid-request");
        problem(answers.get(6), 413, "urn:faas:problem:payload-too-large");
    }

    private static void awaitStock() {
        await().atMost(Duration.ofSeconds(30)).until(() -> server.pool().prewarmedCount() >= 1);
    }

    private static String register(String body) throws Exception {
        return json(http.post("/register", body), 200).get("result").asText();
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }
}
