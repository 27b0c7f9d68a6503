package dev.faas.adapter.jaxrs;

import static dev.faas.adapter.jaxrs.GuardedServer.assertProblem;
import static dev.faas.adapter.jaxrs.GuardedServer.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.ports.model.AccessRole;
import dev.faas.testkit.RawHttp;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bearer filter and role check over real HTTP, with probe resources and keys held by a fake. */
class AccessControlTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final GuardedServer server = new GuardedServer();

    private final FakeApiKeys keys = server.keys();

    // --- no key configured ----------------------------------------------------------------------------------------

    @Test
    void givenNoKeyConfigured_everyEndpointAnswers_andEveryRoleIsGranted() throws Exception {
        start();

        for (String path : new String[] {"/admin-only", "/invoke-only", "/unannotated", "/metrics", "/healthz"}) {
            assertThat(server.get(path, null).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(server.get("/whoami", null).body()).isEqualTo("principal=anyone admin=true invoke=true");
        assertThat(server.get("/admin/keys", null).statusCode()).isEqualTo(200);
    }

    // --- authentication --------------------------------------------------------------------------------------------

    @Test
    void givenKeysAndNoHeader_request_is401WithABearerChallenge() throws Exception {
        keys.add(AccessRole.ADMIN);
        start();

        HttpResponse<String> response = server.get("/invoke-only", null);

        assertProblem(response, 401, "urn:faas:problem:unauthenticated");
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"faas\"");
        assertThat(problem(response).get("detail").asText()).contains("Authorization: Bearer");
    }

    @Test
    void givenKeysAndAnUnknownKey_request_is401WithAnInvalidTokenChallenge() throws Exception {
        keys.add(AccessRole.ADMIN);
        start();

        HttpResponse<String> response = server.get("/invoke-only", "faas_not-a-key-at-all-0000");

        assertProblem(response, 401, "urn:faas:problem:unauthenticated");
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .contains("Bearer realm=\"faas\", error=\"invalid_token\"");
        assertThat(response.body()).doesNotContain("faas_not-a-key-at-all-0000");
    }

    @Test
    void givenKeysAndAnotherScheme_request_is401() throws Exception {
        String admin = keys.add(AccessRole.ADMIN);
        start();

        HttpResponse<String> response = server.send(server.request("/invoke-only")
                .header("Authorization", "Basic " + admin));

        assertProblem(response, 401, "urn:faas:problem:unauthenticated");
    }

    @Test
    void givenBearerSchemeInAnyCase_request_isAuthenticated() throws Exception {
        String invoke = keys.add(AccessRole.INVOKE);
        start();

        HttpResponse<String> response = server.send(server.request("/invoke-only")
                .header("Authorization", "bEaReR  " + invoke));

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void givenRevokedKey_request_is401() throws Exception {
        keys.add(AccessRole.ADMIN);
        String invoke = keys.add(AccessRole.INVOKE);
        start();
        assertThat(server.get("/invoke-only", invoke).statusCode()).isEqualTo(200);

        keys.revoke(keys.list().get(1).id());

        assertProblem(server.get("/invoke-only", invoke), 401, "urn:faas:problem:unauthenticated");
    }

    @Test
    void givenKeys_unknownPathsAndMethods_needAKeyBeforeTheyAreReported() throws Exception {
        String invoke = keys.add(AccessRole.INVOKE);
        start();

        assertProblem(server.get("/no-such-path", null), 401, "urn:faas:problem:unauthenticated");
        assertProblem(server.get("/no-such-path", invoke), 404, "urn:faas:problem:not-found");
        assertProblem(server.send(server.request("/invoke-only").DELETE()), 401, "urn:faas:problem:unauthenticated");
    }

    // --- roles ---------------------------------------------------------------------------------------------------

    @Test
    void givenInvokeKey_adminMethod_is403NamingTheRole() throws Exception {
        String invoke = keys.add(AccessRole.INVOKE);
        start();

        HttpResponse<String> response = server.get("/admin-only", invoke);

        assertProblem(response, 403, "urn:faas:problem:forbidden");
        assertThat(problem(response).get("requiredRole").asText()).isEqualTo("admin");
    }

    @Test
    void givenInvokeKey_invokeMethodsMetricsAndOpenApi_answer() throws Exception {
        String invoke = keys.add(AccessRole.INVOKE);
        start();

        assertThat(server.get("/invoke-only", invoke).statusCode()).isEqualTo(200);
        assertThat(server.get("/metrics", invoke).statusCode()).isEqualTo(200);
        assertThat(server.get("/openapi.json", invoke).statusCode()).isEqualTo(200);
        assertProblem(server.get("/metrics", null), 401, "urn:faas:problem:unauthenticated");
        assertProblem(server.get("/openapi.json", null), 401, "urn:faas:problem:unauthenticated");
    }

    @Test
    void givenInvokeKey_methodWithoutAnnotation_needsAdmin() throws Exception {
        String invoke = keys.add(AccessRole.INVOKE);
        String admin = keys.add(AccessRole.ADMIN);
        start();

        assertProblem(server.get("/unannotated", invoke), 403, "urn:faas:problem:forbidden");
        assertThat(server.get("/unannotated", admin).statusCode()).isEqualTo(200);
    }

    @Test
    void givenAdminKey_everyMethod_answers() throws Exception {
        String admin = keys.add(AccessRole.ADMIN);
        start();

        for (String path : new String[] {"/admin-only", "/invoke-only", "/unannotated", "/metrics", "/openapi.json"}) {
            assertThat(server.get(path, admin).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void givenKeys_securityContext_namesTheKeyAndItsRoles() throws Exception {
        String invoke = keys.add(AccessRole.INVOKE);
        String admin = keys.add(AccessRole.ADMIN);
        start();

        assertThat(server.get("/whoami", invoke).body()).isEqualTo("principal=key_1 admin=false invoke=true");
        assertThat(server.get("/whoami", admin).body()).isEqualTo("principal=key_2 admin=true invoke=true");
    }

    @Test
    void givenKeys_probes_answerWithoutAKey_evenWithABadOne() throws Exception {
        keys.add(AccessRole.ADMIN);
        start();

        assertThat(server.get("/healthz", null).statusCode()).isEqualTo(200);
        assertThat(server.get("/readyz", null).statusCode()).isEqualTo(200);
        assertThat(server.get("/healthz", "faas_not-a-key-at-all-0000").statusCode()).isEqualTo(200);
    }

    @Test
    void givenKeyStoreDown_probesStillAnswer_andOtherRequestsAre503() throws Exception {
        start();
        keys.storeDown();

        assertThat(server.get("/healthz", null).statusCode()).isEqualTo(200);
        assertThat(server.get("/readyz", null).statusCode()).isEqualTo(200);
        assertProblem(server.get("/invoke-only", null), 503, "urn:faas:problem:store-unavailable");
    }

    @Test
    void givenKeys_pathsDressedUpAsProbes_stillNeedAKey() throws Exception {
        keys.add(AccessRole.ADMIN);
        start();

        for (String path : new String[] {"/healthz/../admin-only", "/readyz/%2e%2e/admin-only", "//healthz/..//admin-only",
                "/healthz;/../admin-only"}) {
            assertThat(raw("GET " + path + " HTTP/1.1")).as(path).startsWith("HTTP/1.1 401");
        }
    }

    // --- /admin/keys ---------------------------------------------------------------------------------------------

    @Test
    void givenAdminKey_createListFindAndRevokeAKey() throws Exception {
        String admin = keys.add(AccessRole.ADMIN);
        start();

        HttpResponse<String> created = server.post("/admin/keys", admin,
                "{\"role\":\"invoke\",\"description\":\"ci\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode document = JSON.readTree(created.body());
        String id = document.get("id").asText();
        String key = document.get("key").asText();
        assertThat(document.get("role").asText()).isEqualTo("invoke");
        assertThat(document.get("description").asText()).isEqualTo("ci");
        assertThat(document.get("createdAt").asText()).isEqualTo("2026-01-01T00:00:02Z");
        assertThat(document.get("revoked").asBoolean()).isFalse();
        assertThat(created.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/admin/keys/" + id));
        assertThat(created.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(server.get("/invoke-only", key).statusCode()).isEqualTo(200);

        HttpResponse<String> list = server.get("/admin/keys", admin);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(key).doesNotContain(admin).contains(id);
        assertThat(JSON.readTree(list.body()).get("keys")).hasSize(2);
        assertThat(JSON.readTree(server.get("/admin/keys/" + id, admin).body()).get("role").asText())
                .isEqualTo("invoke");

        assertThat(server.send(server.request("/admin/keys/" + id).header("Authorization", "Bearer " + admin).DELETE())
                .statusCode()).isEqualTo(204);
        assertProblem(server.get("/invoke-only", key), 401, "urn:faas:problem:unauthenticated");
        assertThat(JSON.readTree(server.get("/admin/keys/" + id, admin).body()).get("revoked").asBoolean()).isTrue();
    }

    @Test
    void givenAdminKey_revokeOfAnUnknownKey_is404() throws Exception {
        String admin = keys.add(AccessRole.ADMIN);
        start();

        HttpResponse<String> response = server.send(server.request("/admin/keys/key_unknown")
                .header("Authorization", "Bearer " + admin).DELETE());

        assertProblem(response, 404, "urn:faas:problem:not-found");
        assertThat(problem(response).get("keyId").asText()).isEqualTo("key_unknown");
    }

    @Test
    void givenAdminKey_createWithABadBody_is400NamingTheField() throws Exception {
        String admin = keys.add(AccessRole.ADMIN);
        start();

        assertThat(problem(server.post("/admin/keys", admin, "{\"role\":\"root\"}")).get("field").asText())
                .isEqualTo("role");
        assertThat(problem(server.post("/admin/keys", admin, "{}")).get("field").asText()).isEqualTo("role");
        assertThat(problem(server.post("/admin/keys", admin, "{\"role\":\"admin\",\"key\":\"mine\"}"))
                .get("field").asText())
                .isEqualTo("key");
        assertProblem(server.post("/admin/keys", admin, "{\"role\":\"admin\"} trailing"), 400,
                "urn:faas:problem:invalid-json");
        assertThat(keys.list()).hasSize(1);
    }

    @Test
    void givenInvokeKey_adminKeys_is403() throws Exception {
        String invoke = keys.add(AccessRole.INVOKE);
        start();

        assertProblem(server.get("/admin/keys", invoke), 403, "urn:faas:problem:forbidden");
        assertProblem(server.post("/admin/keys", invoke, "{\"role\":\"admin\"}"), 403, "urn:faas:problem:forbidden");
        assertThat(keys.list()).hasSize(1);
    }

    // --- pure parts ----------------------------------------------------------------------------------------------

    @Test
    void bearerToken_acceptsOnlyTheBearerScheme() {
        assertThat(BearerAuthFilter.bearerToken("Bearer abc")).isEqualTo("abc");
        assertThat(BearerAuthFilter.bearerToken("BEARER   abc  ")).isEqualTo("abc");
        assertThat(BearerAuthFilter.bearerToken("Bearer ")).isNull();
        assertThat(BearerAuthFilter.bearerToken("Bearer")).isNull();
        assertThat(BearerAuthFilter.bearerToken("Basic abc")).isNull();
        assertThat(BearerAuthFilter.bearerToken("Bearerabc")).isNull();
        assertThat(BearerAuthFilter.bearerToken(null)).isNull();
    }

    @Test
    void requiredRole_followsTheMethodThenItsClass_andIsAdminWithoutEither() throws Exception {
        assertThat(AccessRules.requiredRole(Probe.class, Probe.class.getMethod("admin"))).contains(AccessRole.ADMIN);
        assertThat(AccessRules.requiredRole(Probe.class, Probe.class.getMethod("invoke"))).contains(AccessRole.INVOKE);
        assertThat(AccessRules.requiredRole(Probe.class, Probe.class.getMethod("unannotated")))
                .contains(AccessRole.ADMIN);
        assertThat(AccessRules.requiredRole(Probe.class, Probe.class.getMethod("ready"))).isEmpty();
        assertThat(AccessRules.requiredRole(HealthResource.class, HealthResource.class.getMethod("alive"))).isEmpty();
        assertThat(AccessRules.requiredRole(InvokeByDefault.class, InvokeByDefault.class.getMethod("listed")))
                .contains(AccessRole.INVOKE);
        assertThat(AccessRules.requiredRole(InvokeByDefault.class, InvokeByDefault.class.getMethod("open"))).isEmpty();
        assertThat(AccessRules.requiredRole(Probe.class, null)).contains(AccessRole.ADMIN);
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** Endpoints of each kind the real API has. */
    @Path("/")
    public static final class Probe {

        @GET
        @Path("admin-only")
        @RolesAllowed(AccessRole.Names.ADMIN)
        public String admin() {
            return "admin";
        }

        @GET
        @Path("invoke-only")
        @RolesAllowed(AccessRole.Names.INVOKE)
        public String invoke() {
            return "invoke";
        }

        @GET
        @Path("unannotated")
        public String unannotated() {
            return "unannotated";
        }

        @GET
        @Path("metrics")
        @RolesAllowed(AccessRole.Names.INVOKE)
        public String metrics() {
            return "metrics";
        }

        @GET
        @Path("openapi.json")
        @Produces(MediaType.APPLICATION_JSON)
        @RolesAllowed(AccessRole.Names.INVOKE)
        public String openApi() {
            return "{}";
        }

        @GET
        @Path("readyz")
        @PermitAll
        public String ready() {
            return "ready";
        }

        @GET
        @Path("whoami")
        @RolesAllowed(AccessRole.Names.INVOKE)
        public String whoami(@Context SecurityContext security) {
            return "principal=" + (security.getUserPrincipal() == null ? null : security.getUserPrincipal().getName())
                    + " admin=" + security.isUserInRole("admin") + " invoke=" + security.isUserInRole("invoke");
        }
    }

    /** A class whose methods need {@code invoke} unless they say otherwise. */
    @RolesAllowed(AccessRole.Names.INVOKE)
    public static final class InvokeByDefault {

        public String listed() {
            return "listed";
        }

        @PermitAll
        public String open() {
            return "open";
        }
    }

    private void start() {
        server.start(new Probe());
    }





    /** Sends a request line as is, for paths an HTTP client would normalise; returns the status line. */
    private String raw(String requestLine) throws IOException {
        String response = new String(RawHttp.exchange(server.port(), Duration.ofSeconds(10),
                (requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII)),
                StandardCharsets.ISO_8859_1);
        return response.lines().findFirst().orElse("");
    }
}
