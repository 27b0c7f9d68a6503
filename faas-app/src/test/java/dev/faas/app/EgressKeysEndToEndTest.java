package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.adapter.jdbi.JdbiFunctionRepository;
import dev.faas.adapter.jdbi.JdbiRepositoryConfig;
import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import dev.faas.ports.out.FunctionRepository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code FAAS_EGRESS=keys} over real HTTP (process runtime: what is checked is registration): a version with egress is
 * registered only with an API key holding the egress permission, through the seed's JSON and zip registration alike;
 * keys get the permission from the configuration or from a key that holds it, never otherwise; a version keeps its
 * egress when the key that registered it is revoked; {@code off} and {@code on} behave as before, keys or not; and a
 * server without keys refuses the mode at start.
 */
class EgressKeysEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CODE = "def user_function():\\n    return 1";
    private static final String ADMIN = "plain-admin-key-0000000001";
    private static final String EGRESS_ADMIN = "egress-admin-key-000000001";
    private static final String INVOKE = "plain-invoke-key-000000001";
    private static final String KEYS = ADMIN + ":admin," + EGRESS_ADMIN + ":admin+egress," + INVOKE + ":invoke";

    @TempDir
    Path dataDir;

    @Test
    void keys_aKeyWithoutThePermission_isRefusedA403SayingHowToGetIt_json_andZip_andNothingIsStored()
            throws Exception {
        try (FaasServer server = start(Map.of("FAAS_EGRESS", "keys", "FAAS_API_KEYS", KEYS))) {
            HttpClientSupport http = new HttpClientSupport(server.port());

            HttpResponse<String> json = post(http, ADMIN, "/register", registration("fetch", "egress"));
            HttpResponse<String> zip = http.send(http.request("/register?name=fetch&network=egress")
                    .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/zip")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(zip())));

            for (HttpResponse<String> refused : new HttpResponse[] {json, zip}) {
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
                assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
                JsonNode problem = JSON.readTree(refused.body());
                assertThat(problem.path("type").asText()).isEqualTo("urn:faas:problem:egress-not-allowed");
                assertThat(problem.path("field").asText()).isEqualTo("network");
                assertThat(problem.path("detail").asText()).contains("permission 'egress'")
                        .contains("\"permissions\": [\"egress\"]").contains("FAAS_EGRESS=on");
            }
            assertThat(get(http, ADMIN, "/functions/fetch").statusCode()).isEqualTo(404);
            assertThat(post(http, ADMIN, "/register", registration("plain", "none")).body())
                    .isEqualTo("{\"result\":\"plain-1\"}");
        }
    }

    @Test
    void keys_aKeyWithThePermission_registersEgress_andTheVersionKeepsItWhenTheKeyIsRevoked() throws Exception {
        try (FaasServer server = start(Map.of("FAAS_EGRESS", "keys", "FAAS_API_KEYS", KEYS))) {
            HttpClientSupport http = new HttpClientSupport(server.port());

            HttpResponse<String> registered = post(http, EGRESS_ADMIN, "/register", registration("fetch", "egress"));

            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
            assertThat(registered.body()).isEqualTo("{\"result\":\"fetch-1\"}");
            String holderId = keyId(http, "configured in FAAS_API_KEYS entry 2");
            assertThat(http.send(http.request("/admin/keys/" + holderId).header("Authorization", "Bearer " + ADMIN)
                    .DELETE()).statusCode()).isEqualTo(204);
            assertThat(post(http, EGRESS_ADMIN, "/register", registration("fetch", "egress")).statusCode())
                    .isEqualTo(401);

            assertThat(network(http, "fetch")).isEqualTo("egress");
            HttpResponse<String> call = post(http, INVOKE, "/invoke", "{\"name\": \"fetch-1\"}");
            assertThat(call.body()).as("the version still runs").isEqualTo("{\"result\":1}");
        }
    }

    @Test
    void keys_thePermissionIsHandedOnOnlyByAKeyThatHoldsIt() throws Exception {
        try (FaasServer server = start(Map.of("FAAS_EGRESS", "keys", "FAAS_API_KEYS", KEYS))) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            String asked = "{\"role\": \"admin\", \"description\": \"ci\", \"permissions\": [\"egress\"]}";

            HttpResponse<String> byAdminWithout = post(http, ADMIN, "/admin/keys", asked);
            HttpResponse<String> byInvoke = post(http, INVOKE, "/admin/keys", asked);
            HttpResponse<String> invokeRegisters = post(http, INVOKE, "/register", registration("fetch", "egress"));
            JsonNode afterRefusals = JSON.readTree(get(http, ADMIN, "/admin/keys").body()).path("keys");
            HttpResponse<String> byHolder = post(http, EGRESS_ADMIN, "/admin/keys", asked);

            assertThat(byAdminWithout.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(byAdminWithout.body()).path("type").asText())
                    .isEqualTo("urn:faas:problem:forbidden");
            assertThat(JSON.readTree(byAdminWithout.body()).path("requiredPermission").asText()).isEqualTo("egress");
            assertThat(byInvoke.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(byInvoke.body()).path("requiredRole").asText()).isEqualTo("admin");
            assertThat(invokeRegisters.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(invokeRegisters.body()).path("requiredRole").asText()).isEqualTo("admin");
            assertThat(afterRefusals).hasSize(3);

            assertThat(byHolder.statusCode()).as(byHolder.body()).isEqualTo(201);
            JsonNode created = JSON.readTree(byHolder.body());
            assertThat(created.path("permissions").toString()).isEqualTo("[\"egress\"]");
            assertThat(post(http, created.path("key").asText(), "/register", registration("fetch", "egress")).body())
                    .isEqualTo("{\"result\":\"fetch-1\"}");
            assertThat(JSON.readTree(get(http, ADMIN, "/admin/keys").body()).path("keys")).hasSize(4);
            assertThat(key(http, "configured in FAAS_API_KEYS entry 1").path("permissions").toString())
                    .isEqualTo("[]");
            assertThat(key(http, "configured in FAAS_API_KEYS entry 2").path("permissions").toString())
                    .isEqualTo("[\"egress\"]");
            assertThat(key(http, "ci").path("permissions").toString()).isEqualTo("[\"egress\"]");
        }
    }

    @Test
    void keys_thePermissionOfAKeyCreatedThroughTheApi_survivesARestart() throws Exception {
        String created;
        try (FaasServer server = startOnH2(Map.of("FAAS_EGRESS", "keys", "FAAS_API_KEYS", KEYS))) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            created = JSON.readTree(post(http, EGRESS_ADMIN, "/admin/keys",
                    "{\"role\": \"admin\", \"permissions\": [\"egress\"]}").body()).path("key").asText();
        }

        try (FaasServer server = startOnH2(Map.of("FAAS_EGRESS", "keys", "FAAS_API_KEYS", KEYS))) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            assertThat(post(http, created, "/register", registration("fetch", "egress")).body())
                    .isEqualTo("{\"result\":\"fetch-1\"}");
            assertThat(post(http, ADMIN, "/register", registration("fetch", "egress")).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void keys_withoutAnyApiKey_refusesToStart_sayingWhatToSet() {
        assertThatThrownBy(() -> start(Map.of("FAAS_EGRESS", "keys")).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FAAS_EGRESS=keys")
                .hasMessageContaining("FAAS_API_KEYS=<key>:admin+egress")
                .hasMessageContaining("FAAS_EGRESS=on or off");
    }

    @Test
    void onAndOff_withKeys_behaveAsBefore_whateverTheKeyHolds() throws Exception {
        try (FaasServer server = start(Map.of("FAAS_EGRESS", "on", "FAAS_API_KEYS", KEYS))) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            assertThat(post(http, ADMIN, "/register", registration("fetch", "egress")).body())
                    .isEqualTo("{\"result\":\"fetch-1\"}");
        }
        try (FaasServer server = start(Map.of("FAAS_API_KEYS", KEYS))) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            HttpResponse<String> refused = post(http, EGRESS_ADMIN, "/register", registration("fetch", "egress"));
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(refused.body()).path("detail").asText()).contains("FAAS_EGRESS=on")
                    .doesNotContain("permission");
        }
    }

    @Test
    void keylessServer_onAndOff_behaveAsBefore() throws Exception {
        try (FaasServer server = start(Map.of("FAAS_EGRESS", "on"))) {
            assertThat(new HttpClientSupport(server.port()).post("/register", registration("fetch", "egress")).body())
                    .isEqualTo("{\"result\":\"fetch-1\"}");
        }
        try (FaasServer server = start(Map.of())) {
            assertThat(new HttpClientSupport(server.port()).post("/register", registration("fetch", "egress"))
                    .statusCode()).isEqualTo(403);
        }
    }

    @Test
    void theModeIsReadInAnyCase_andAnUnknownOneIsRefusedListingTheThree() {
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_EGRESS", "KEYS")).egressNeedsPermission()).isTrue();
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_EGRESS", "keys")).egress()).isTrue();
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_EGRESS", "on")).egressNeedsPermission()).isFalse();
        assertThat(FaasConfig.fromEnvironment(Map.of()).egress()).isFalse();
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_EGRESS", "keys")).toString()).contains("egress=keys");
        assertThatThrownBy(() -> FaasConfig.fromEnvironment(Map.of("FAAS_EGRESS", "key")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'off', 'on' or 'keys'");
    }

    private FaasServer start(Map<String, String> extra) {
        return start(extra, new InMemoryFunctionRepository());
    }

    private FaasServer startOnH2(Map<String, String> extra) {
        return start(extra, JdbiFunctionRepository.open(JdbiRepositoryConfig.h2File(dataDir.resolve("db"))));
    }

    private FaasServer start(Map<String, String> extra, FunctionRepository repository) {
        Map<String, String> environment = new HashMap<>(Map.of("FAAS_PORT", "0", "FAAS_PREWARM", "0",
                "FAAS_DATA_DIR", dataDir.toString()));
        environment.putAll(extra);
        return FaasServer.start(FaasConfig.fromEnvironment(environment), repository,
                new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(dataDir.resolve("instances"))));
    }

    private static HttpResponse<String> post(HttpClientSupport http, String key, String path, String body) {
        return http.send(http.request(path).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> get(HttpClientSupport http, String key, String path) {
        return http.send(http.request(path).header("Authorization", "Bearer " + key).GET());
    }

    private static String keyId(HttpClientSupport http, String description) throws IOException {
        return key(http, description).path("id").asText();
    }

    /** The listed key of that description (keys created in one millisecond are listed in no set order). */
    private static JsonNode key(HttpClientSupport http, String description) throws IOException {
        for (JsonNode key : JSON.readTree(get(http, ADMIN, "/admin/keys").body()).path("keys")) {
            if (key.path("description").asText().equals(description)) {
                return key;
            }
        }
        throw new AssertionError("no key described as " + description);
    }

    private static String network(HttpClientSupport http, String name) throws IOException {
        return JSON.readTree(get(http, ADMIN, "/functions/" + name).body()).path("versions").get(0).path("network")
                .asText();
    }

    private static String registration(String name, String network) {
        return "{\"name\": \"" + name + "\", \"code\": \"" + CODE + "\", \"network\": \"" + network + "\"}";
    }

    private static byte[] zip() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("main.py"));
            zip.write("def user_function():\n    return 1\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
