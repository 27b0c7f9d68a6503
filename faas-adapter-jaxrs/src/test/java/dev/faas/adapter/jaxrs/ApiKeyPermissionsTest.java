package dev.faas.adapter.jaxrs;

import static dev.faas.adapter.jaxrs.GuardedServer.assertProblem;
import static dev.faas.adapter.jaxrs.GuardedServer.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyPermission;
import dev.faas.ports.model.ApiKeyRecord;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The permissions of API keys over real HTTP: granted at creation ({@code "permissions": ["egress"]}) only by a key
 * that holds them, shown by every read of a key, never changed afterwards; and the caller they prove reaches
 * registration ({@code POST /register}, JSON and zip).
 */
class ApiKeyPermissionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final GuardedServer server = new GuardedServer();

    private final FakeApiKeys keys = server.keys();
    private final List<RegisterFunctionCommand> registered = new CopyOnWriteArrayList<>();

    @Test
    void givenAdminKeyWithEgress_createWithTheEgressPermission_is201_andEveryReadShowsIt() throws Exception {
        String admin = keys.add(AccessRole.ADMIN, ApiKeyPermission.EGRESS);
        start();

        HttpResponse<String> created = server.post("/admin/keys", admin,
                "{\"role\":\"admin\",\"description\":\"fetchers\",\"permissions\":[\"egress\"]}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode document = JSON.readTree(created.body());
        assertThat(document.get("permissions")).hasSize(1);
        assertThat(document.get("permissions").get(0).asText()).isEqualTo("egress");
        String id = document.get("id").asText();
        assertThat(JSON.readTree(server.get("/admin/keys/" + id, admin).body()).get("permissions").toString())
                .isEqualTo("[\"egress\"]");
        JsonNode listed = JSON.readTree(server.get("/admin/keys", admin).body()).get("keys");
        assertThat(listed.get(1).get("id").asText()).isEqualTo(id);
        assertThat(listed.get(1).get("permissions").toString()).isEqualTo("[\"egress\"]");
        assertThat(keys.list().get(1).permissions()).containsExactly(ApiKeyPermission.EGRESS);
    }

    @Test
    void givenNoPermissionsAsked_create_givesAKeyWithAnEmptyList() throws Exception {
        String admin = keys.add(AccessRole.ADMIN, ApiKeyPermission.EGRESS);
        start();

        for (String body : List.of("{\"role\":\"admin\"}", "{\"role\":\"admin\",\"permissions\":[]}",
                "{\"role\":\"admin\",\"permissions\":null}")) {
            HttpResponse<String> created = server.post("/admin/keys", admin, body);
            assertThat(created.statusCode()).as(body).isEqualTo(201);
            assertThat(JSON.readTree(created.body()).get("permissions").toString()).as(body).isEqualTo("[]");
        }
        assertThat(keys.list().subList(1, 4)).extracting(ApiKeyRecord::permissions).containsOnly(java.util.Set.of());
    }

    @Test
    void givenBadPermissions_create_is400NamingTheField_andStoresNothing() throws Exception {
        String admin = keys.add(AccessRole.ADMIN, ApiKeyPermission.EGRESS);
        start();

        for (String permissions : List.of("[\"root\"]", "[\"EGRESS\"]", "[\"egress\",\"egress\"]", "[null]",
                "[true]", "[[\"egress\"]]", "\"egress\"", "true", "{\"egress\":true}")) {
            String body = "{\"role\":\"admin\",\"permissions\":" + permissions + "}";
            HttpResponse<String> response = server.post("/admin/keys", admin, body);
            assertProblem(response, 400, "urn:faas:problem:invalid-request");
            assertThat(problem(response).get("field").asText()).as(body).isEqualTo("permissions");
        }
        assertThat(problem(server.post("/admin/keys", admin, "{\"role\":\"admin\",\"permissions\":[\"root\"]}"))
                .get("detail").asText()).contains("'root' is not a permission").contains("'egress'");
        assertThat(keys.list()).hasSize(1);
    }

    @Test
    void givenAdminKeyWithoutEgress_createWithEgress_is403NamingThePermission_andStoresNothing() throws Exception {
        String admin = keys.add(AccessRole.ADMIN);
        start();

        HttpResponse<String> response = server.post("/admin/keys", admin,
                "{\"role\":\"admin\",\"permissions\":[\"egress\"]}");

        assertProblem(response, 403, "urn:faas:problem:forbidden");
        assertThat(problem(response).get("requiredPermission").asText()).isEqualTo("egress");
        assertThat(keys.list()).hasSize(1);
    }

    @Test
    void givenInvokeKeyWithEgress_createWithEgress_is403NeedingAdmin_andStoresNothing() throws Exception {
        String invoke = keys.add(AccessRole.INVOKE, ApiKeyPermission.EGRESS);
        start();

        HttpResponse<String> response = server.post("/admin/keys", invoke,
                "{\"role\":\"invoke\",\"permissions\":[\"egress\"]}");

        assertProblem(response, 403, "urn:faas:problem:forbidden");
        assertThat(problem(response).get("requiredRole").asText()).isEqualTo("admin");
        assertThat(keys.list()).hasSize(1);
    }

    @Test
    void noRequest_changesTheVeryKeyItIsMadeWith() throws Exception {
        String admin = keys.add(AccessRole.ADMIN);
        start();
        String id = keys.list().get(0).id().value();

        for (String method : List.of("PUT", "PATCH", "POST")) {
            HttpResponse<String> response = server.send(server.request("/admin/keys/" + id)
                    .header("Authorization", "Bearer " + admin)
                    .method(method, HttpRequest.BodyPublishers.ofString("{\"permissions\":[\"egress\"]}")));
            assertProblem(response, 405, "urn:faas:problem:method-not-allowed");
        }
        assertThat(keys.list().get(0).permissions()).isEmpty();
    }

    @Test
    void givenKeys_register_passesTheCallerItsKeyProves_jsonAndZip() throws Exception {
        String plain = keys.add(AccessRole.ADMIN);
        String egress = keys.add(AccessRole.ADMIN, ApiKeyPermission.EGRESS);
        start();

        String egressVersion = "{\"name\":\"fetch\",\"code\":\"x\",\"network\":\"egress\"}";
        assertThat(server.post("/register", plain, egressVersion).statusCode()).isEqualTo(200);
        assertThat(server.post("/register", egress, egressVersion).statusCode()).isEqualTo(200);
        assertThat(server.send(server.request("/register?name=fetch&network=egress")
                .header("Authorization", "Bearer " + plain)
                .header("Content-Type", "application/zip").POST(HttpRequest.BodyPublishers.ofString("PK")))
                .statusCode()).isEqualTo(200);

        assertThat(registered).hasSize(3);
        assertThat(registered.get(0).caller().keyId()).isEqualTo(keys.list().get(0).id());
        assertThat(registered.get(0).caller().holds(ApiKeyPermission.EGRESS)).isFalse();
        assertThat(registered.get(1).caller().keyId()).isEqualTo(keys.list().get(1).id());
        assertThat(registered.get(1).caller().holds(ApiKeyPermission.EGRESS)).isTrue();
        assertThat(registered.get(2).caller().keyId()).isEqualTo(keys.list().get(0).id());
        assertThat(registered.get(2).options().egress()).isTrue();
    }

    @Test
    void givenNoKeys_register_passesNoCaller() throws Exception {
        start();

        HttpResponse<String> response = server.send(server.request("/register")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"fetch\",\"code\":\"x\"}")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(registered).singleElement().satisfies(command -> assertThat(command.caller()).isNull());
    }

    private void start() {
        SeedResource seed = new SeedResource(command -> {
            registered.add(command);
            return new FunctionDefinition(new FunctionId(command.name(), registered.size()), command.code(),
                    command.handler(), new FunctionLimits(Duration.ofSeconds(60), 256, 8), Instant.EPOCH,
                    "0".repeat(64), command.options());
        }, new CallModes(null, null), new RequestBodies(ApiSettings.defaults()));
        server.start(seed);
    }




}
