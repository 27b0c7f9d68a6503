package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.app.reliability.ServerUnderTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * API keys against the real server's main with its embedded H2 store: every endpoint group under no key, an unknown
 * key, an invoke key and an admin key; keys created and revoked over HTTP; configured keys across restarts; and the
 * start-up refusals.
 */
class AuthEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_KEY = "e2e-admin-key-0123456789abcdef";
    private static final String INVOKE_KEY = "e2e-invoke-key-0123456789abcdef";
    private static final String UNKNOWN_KEY = "faas_this-key-was-never-issued-000000";
    private static final String CODE = "def user_function(name='you'):\\n    return 'Hello, ' + name";
    private static final String UNAUTHENTICATED = "urn:faas:problem:unauthenticated";
    private static final String FORBIDDEN = "urn:faas:problem:forbidden";

    @TempDir
    static Path sharedWorkDirectory;

    private static ServerUnderTest server;
    private static Client http;

    @BeforeAll
    static void startServerWithKeys() throws Exception {
        server = ServerUnderTest.start(sharedWorkDirectory, Map.of(
                "FAAS_API_KEYS", ADMIN_KEY + ":admin, " + INVOKE_KEY + ":invoke", "FAAS_PREWARM", "0"));
        http = new Client(server.port());
        assertThat(http.send("POST", "/register", register("hello"), ADMIN_KEY).body())
                .isEqualTo("{\"result\":\"hello-1\"}");
        for (String doomed : List.of("victim", "victim", "victims")) {
            assertThat(http.send("POST", "/register", register(doomed), ADMIN_KEY).statusCode()).isEqualTo(200);
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // --- the matrix ----------------------------------------------------------------------------------------------

    enum Caller {
        NO_KEY(null), UNKNOWN_KEY(AuthEndToEndTest.UNKNOWN_KEY), INVOKE_KEY(AuthEndToEndTest.INVOKE_KEY),
        ADMIN_KEY(AuthEndToEndTest.ADMIN_KEY);

        final String key;

        Caller(String key) {
            this.key = key;
        }
    }

    /**
     * One endpoint group: a request and the status each caller gets, in the order of {@link Caller}. 401 and 403
     * must carry their problem types.
     */
    private record Endpoint(String group, String method, String path, String body, int... statuses) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("register", "POST", "/register", register("fresh"), 401, 401, 403, 200),
            new Endpoint("invoke", "POST", "/invoke", "{\"name\":\"hello-1\",\"params\":{\"name\":\"keys\"}}",
                    401, 401, 200, 200),
            new Endpoint("invoke latest", "POST", "/functions/hello/invoke", "{}", 401, 401, 200, 200),
            new Endpoint("list functions", "GET", "/functions", null, 401, 401, 200, 200),
            new Endpoint("get metadata", "GET", "/functions/hello", null, 401, 401, 200, 200),
            new Endpoint("get version with code", "GET", "/functions/hello/versions/1", null, 401, 401, 200, 200),
            new Endpoint("delete version", "DELETE", "/functions/victim/versions/1", null, 401, 401, 403, 204),
            new Endpoint("delete name", "DELETE", "/functions/victims", null, 401, 401, 403, 200),
            new Endpoint("list keys", "GET", "/admin/keys", null, 401, 401, 403, 200),
            new Endpoint("create key", "POST", "/admin/keys", "{\"role\":\"invoke\",\"description\":\"matrix\"}",
                    401, 401, 403, 201),
            new Endpoint("revoke key", "DELETE", "/admin/keys/key_0000000000000000", null, 401, 401, 403, 404),
            new Endpoint("healthz", "GET", "/healthz", null, 200, 200, 200, 200),
            new Endpoint("readyz", "GET", "/readyz", null, 200, 200, 200, 200),
            new Endpoint("metrics", "GET", "/metrics", null, 401, 401, 200, 200),
            new Endpoint("openapi", "GET", "/openapi.json", null, 401, 401, 200, 200),
            new Endpoint("unknown path", "GET", "/no/such/path", null, 401, 401, 404, 404));

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            for (Caller caller : Caller.values()) {
                cases.add(Arguments.of(endpoint.group() + " with " + caller, endpoint, caller,
                        endpoint.statuses()[caller.ordinal()]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("matrix")
    void accessMatrix(String name, Endpoint endpoint, Caller caller, int expectedStatus) throws IOException {
        HttpResponse<String> response = http.send(endpoint.method(), endpoint.path(), endpoint.body(), caller.key);

        assertThat(response.statusCode()).as(name + ": " + response.body()).isEqualTo(expectedStatus);
        if (expectedStatus == 401) {
            assertThat(problemType(response)).isEqualTo(UNAUTHENTICATED);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).startsWith("Bearer realm=\"faas\""));
        } else if (expectedStatus == 403) {
            assertThat(problemType(response)).isEqualTo(FORBIDDEN);
            assertThat(JSON.readTree(response.body()).get("requiredRole").asText()).isEqualTo("admin");
        }
    }

    // --- what the roles see --------------------------------------------------------------------------------------

    @Test
    void versionDocument_showsTheCodeToAnAdminKeyOnly() throws IOException {
        JsonNode forInvoke = JSON.readTree(http.send("GET", "/functions/hello/versions/1", null, INVOKE_KEY).body());
        JsonNode forAdmin = JSON.readTree(http.send("GET", "/functions/hello/versions/1", null, ADMIN_KEY).body());

        assertThat(forInvoke.get("id").asText()).isEqualTo("hello-1");
        assertThat(forInvoke.has("code")).isFalse();
        assertThat(forAdmin.get("code").asText()).contains("def user_function");
    }

    @Test
    void unknownKey_getsAnInvalidTokenChallenge_andNoKeyAPlainOne() {
        assertThat(http.send("GET", "/functions", null, UNKNOWN_KEY).headers().firstValue("WWW-Authenticate"))
                .contains("Bearer realm=\"faas\", error=\"invalid_token\"");
        assertThat(http.send("GET", "/functions", null, null).headers().firstValue("WWW-Authenticate"))
                .contains("Bearer realm=\"faas\"");
    }

    // --- keys managed over HTTP ----------------------------------------------------------------------------------

    @Test
    void createdKey_worksAtOnce_andStopsAtOnceWhenRevoked() throws IOException {
        HttpResponse<String> created = http.send("POST", "/admin/keys",
                "{\"role\":\"invoke\",\"description\":\"ci runner\"}", ADMIN_KEY);
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode document = JSON.readTree(created.body());
        String id = document.get("id").asText();
        String key = document.get("key").asText();
        assertThat(key).startsWith("faas_");
        assertThat(document.get("role").asText()).isEqualTo("invoke");
        assertThat(created.headers().firstValue("Cache-Control")).contains("no-store");

        assertThat(http.send("POST", "/invoke", "{\"name\":\"hello-1\"}", key).body())
                .isEqualTo("{\"result\":\"Hello, you\"}");
        assertThat(http.send("POST", "/register", register("nope"), key).statusCode()).isEqualTo(403);

        assertThat(http.send("DELETE", "/admin/keys/" + id, null, ADMIN_KEY).statusCode()).isEqualTo(204);
        HttpResponse<String> afterRevoke = http.send("GET", "/functions", null, key);

        assertThat(afterRevoke.statusCode()).isEqualTo(401);
        assertThat(problemType(afterRevoke)).isEqualTo(UNAUTHENTICATED);
        assertThat(JSON.readTree(http.send("GET", "/admin/keys/" + id, null, ADMIN_KEY).body()).get("revoked")
                .asBoolean()).isTrue();
        assertThat(http.send("DELETE", "/admin/keys/" + id, null, ADMIN_KEY).statusCode()).as("idempotent")
                .isEqualTo(204);
    }

    @Test
    void keyList_andLog_neverShowAKeyNorItsHash() throws Exception {
        String created = JSON.readTree(http.send("POST", "/admin/keys", "{\"role\":\"admin\"}", ADMIN_KEY).body())
                .get("key").asText();
        http.send("GET", "/functions", null, created);

        String list = http.send("GET", "/admin/keys", null, ADMIN_KEY).body();
        String log = server.log();

        for (String key : List.of(ADMIN_KEY, INVOKE_KEY, created, UNKNOWN_KEY)) {
            assertThat(list).doesNotContain(key).doesNotContain(sha256(key));
            assertThat(log).doesNotContain(key).doesNotContain(sha256(key));
        }
        assertThat(JSON.readTree(list).get("keys")).allSatisfy(key -> assertThat(key.has("key")).isFalse());
    }

    // --- configured keys across restarts -------------------------------------------------------------------------

    @Test
    void configuredKeys_surviveRestarts_withoutDuplicates_andARevokedKeyStaysRevoked(@TempDir Path workDirectory)
            throws Exception {
        Path keyFile = workDirectory.resolve("keys.txt");
        Files.writeString(keyFile, "# invoke keys\n" + INVOKE_KEY + ":invoke   # the CI\n\n");
        Map<String, String> environment = Map.of("FAAS_API_KEYS", ADMIN_KEY + ":admin",
                "FAAS_API_KEYS_FILE", keyFile.toString(), "FAAS_PREWARM", "0");
        String createdId;
        String createdKey;
        try (ServerUnderTest first = ServerUnderTest.start(workDirectory, environment)) {
            Client client = new Client(first.port());
            JsonNode created = JSON.readTree(client.send("POST", "/admin/keys", "{\"role\":\"invoke\"}", ADMIN_KEY)
                    .body());
            createdId = created.get("id").asText();
            createdKey = created.get("key").asText();
            assertThat(client.send("DELETE", "/admin/keys/" + createdId, null, ADMIN_KEY).statusCode()).isEqualTo(204);
            assertThat(first.stop()).isEqualTo(143);
        }
        for (int restart = 1; restart <= 2; restart++) {
            try (ServerUnderTest again = ServerUnderTest.start(workDirectory, environment)) {
                Client client = new Client(again.port());
                JsonNode keys = JSON.readTree(client.send("GET", "/admin/keys", null, ADMIN_KEY).body()).get("keys");

                assertThat(keys).as("restart " + restart).hasSize(3);
                assertThat(keys).extracting(key -> key.get("description").asText()).containsExactly(
                        "configured in FAAS_API_KEYS entry 1", "configured in FAAS_API_KEYS_FILE line 2", "");
                assertThat(keys.get(2).get("id").asText()).isEqualTo(createdId);
                assertThat(keys.get(2).get("revoked").asBoolean()).isTrue();
                assertThat(client.send("GET", "/functions", null, INVOKE_KEY).statusCode()).isEqualTo(200);
                assertThat(client.send("GET", "/functions", null, createdKey).statusCode()).isEqualTo(401);
                again.stop();
            }
        }
        assertThat(workDirectory.resolve("data/faas.mv.db")).exists();
    }

    // --- start-up ------------------------------------------------------------------------------------------------

    @Test
    void malformedKeyConfiguration_stopsTheServerWithStatus2_namingTheEntryButNotTheKey(@TempDir Path workDirectory)
            throws Exception {
        try (ServerUnderTest failed = ServerUnderTest.launch(workDirectory,
                Map.of("FAAS_API_KEYS", ADMIN_KEY + ":admin,tiny-secret:invoke"), ServerUnderTest.freePort())) {
            assertThat(failed.awaitExit(60)).isEqualTo(Main.EXIT_CONFIG);
            assertThat(failed.log()).contains("FAAS_API_KEYS entry 2").contains("shorter than 16")
                    .doesNotContain("tiny-secret").doesNotContain(ADMIN_KEY).doesNotContain("\tat ");
        }
    }

    @Test
    void networkBindWithoutKeys_stopsTheServerWithStatus2_unlessAllowed(@TempDir Path workDirectory) throws Exception {
        try (ServerUnderTest failed = ServerUnderTest.launch(workDirectory, Map.of("FAAS_BIND", "0.0.0.0"),
                ServerUnderTest.freePort())) {
            assertThat(failed.awaitExit(60)).isEqualTo(Main.EXIT_CONFIG);
            assertThat(failed.log()).contains("FAAS_BIND='0.0.0.0'").contains("FAAS_API_KEYS")
                    .contains("FAAS_ALLOW_UNAUTHENTICATED=true").doesNotContain("\tat ");
        }
    }

    @Test
    void serverWithoutKeys_listensOnLoopbackOpenToAll_andSaysSo(@TempDir Path workDirectory) throws Exception {
        try (ServerUnderTest open = ServerUnderTest.start(workDirectory, Map.of("FAAS_PREWARM", "0"))) {
            Client client = new Client(open.port());

            assertThat(client.send("POST", "/register", register("open"), null).statusCode()).isEqualTo(200);
            assertThat(client.send("GET", "/admin/keys", null, null).body()).isEqualTo("{\"keys\":[]}");
            assertThat(open.log()).contains("no API key is configured").contains("loopback");
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static String register(String name) {
        return "{\"name\":\"" + name + "\",\"code\":\"" + CODE + "\"}";
    }

    private static String problemType(HttpResponse<String> response) throws IOException {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        return JSON.readTree(response.body()).get("type").asText();
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** Sends requests with a bearer key, or none when the key is null. */
    private record Client(int port) {

        private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> send(String method, String path, String body, String key) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(60))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            if (key != null) {
                request.header("Authorization", "Bearer " + key);
            }
            try {
                return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
