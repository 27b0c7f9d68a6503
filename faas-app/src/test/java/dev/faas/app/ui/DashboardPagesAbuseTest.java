package dev.faas.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.app.reliability.ServerForClass;
import dev.faas.app.reliability.ServerUnderTest;
import dev.faas.testkit.RawHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard's pages are a new way into the server: public files, so they must hand out nothing else. Requests are
 * written byte for byte on a socket (no client normalises them): paths that climb out of the served files, encoded
 * slashes and dots, names not on the list, other methods; every page carries its security headers and never a
 * cookie; the dashboard's API endpoints need a key like the rest; and a server without keys still refuses a foreign
 * {@code Host} and a cross-site request for its pages and endpoints.
 */
class DashboardPagesAbuseTest {

    private static final String ADMIN_KEY = "pages-admin-key-0123456789abcdef";
    private static final String INVOKE_KEY = "pages-invoke-key-0123456789abcdef";

    @RegisterExtension
    static final ServerForClass KEYED = ServerForClass.with(Map.of(
            "FAAS_API_KEYS", ADMIN_KEY + ":admin," + INVOKE_KEY + ":invoke", "FAAS_PREWARM", "0"));

    @RegisterExtension
    static final ServerForClass KEYLESS = ServerForClass.with(Map.of("FAAS_PREWARM", "0"));

    private final ServerUnderTest keyed = KEYED.server();
    private final ServerUnderTest keyless = KEYLESS.server();

    @Test
    void everyPageAndFile_carriesTheSecurityHeaders_andNoCookie() throws Exception {
        for (String path : List.of("/ui", "/ui/", "/ui/app.js", "/ui/app.css", "/ui/docs.js", "/ui/docs.css",
                "/ui/favicon.svg", "/docs", "/webjars/codemirror/codemirror.js", "/webjars/codemirror/codemirror.css",
                "/webjars/codemirror/python.js", "/webjars/codemirror/javascript.js", "/webjars/uplot/uPlot.iife.min.js",
                "/webjars/uplot/uPlot.min.css", "/webjars/swagger-ui/swagger-ui-bundle.js",
                "/webjars/swagger-ui/swagger-ui.css")) {
            Answer answer = send(keyed, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertThat(answer.status()).as(path).isEqualTo(200);
            assertThat(answer.header("content-security-policy")).as(path)
                    .startsWith("default-src 'none'; script-src 'self'; style-src 'self';")
                    .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            assertThat(answer.header("x-frame-options")).as(path).isEqualTo("DENY");
            assertThat(answer.header("x-content-type-options")).as(path).isEqualTo("nosniff");
            assertThat(answer.header("referrer-policy")).as(path).isEqualTo("no-referrer");
            assertThat(answer.header("set-cookie")).as(path).isNull();
            assertThat(answer.header("content-type")).as(path).containsAnyOf("text/html", "text/javascript", "text/css",
                    "image/svg+xml");
        }
    }

    @Test
    void pathsOutsideTheListedFiles_areNotFound_neverAnotherFileOrTheApi() throws Exception {
        for (String path : List.of("/ui/index.html", "/ui/../openapi.json", "/ui/..%2fopenapi.json",
                "/ui/%2e%2e/openapi.json", "/ui/app.js%00.css", "/ui/APP.JS", "/ui/x/app.js",
                "/webjars/codemirror/../../openapi.json", "/webjars/codemirror/..%2f..%2fopenapi.json",
                "/webjars/codemirror/lib%2fcodemirror.js", "/webjars/codemirror/lib/codemirror.js",
                "/webjars/swagger-ui/index.html", "/webjars/swagger-ui/swagger-initializer.js",
                "/webjars/../dev/faas/adapter/jaxrs/ui/app.js", "/webjars/META-INF/MANIFEST.MF",
                "/ui/..%5c..%5copenapi.json", "/docs/../stats", "/ui/../stats", "/ui/%2e%2e/stats")) {
            Answer answer = send(keyed, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertThat(answer.status()).as(path).isIn(400, 401, 404);
            assertThat(answer.body()).as(path).doesNotContain("\"openapi\"").doesNotContain("\"windowSeconds\"")
                    .doesNotContain("CodeMirror").doesNotContain("Manifest-Version");
            if (answer.status() != 400) {
                assertThat(answer.header("content-type")).as(path).startsWith("application/problem+json");
            }
        }
    }

    @Test
    void pagesTakeOnlyGetAndHead() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            Answer answer = send(keyed, method + " /ui/app.js HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n");
            assertThat(answer.status()).as(method).isEqualTo(405);
        }
        assertThat(send(keyed, "HEAD /ui HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").status())
                .isEqualTo(200);
    }

    @Test
    void theDashboardsEndpoints_needAKey_andAnInvokeKeySuffices() throws Exception {
        for (String path : List.of("/stats", "/session")) {
            Answer none = send(keyed, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertThat(none.status()).as(path).isEqualTo(401);
            assertThat(none.body()).contains("urn:faas:problem:unauthenticated");
            Answer unknown = send(keyed, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + "faas_unknown-key-000000000000000000\r\nConnection: close\r\n\r\n");
            assertThat(unknown.status()).as(path).isEqualTo(401);
            Answer invoke = send(keyed, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + INVOKE_KEY + "\r\nConnection: close\r\n\r\n");
            assertThat(invoke.status()).as(path).isEqualTo(200);
        }
        Answer session = send(keyed, "GET /session HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + INVOKE_KEY + "\r\nConnection: close\r\n\r\n");
        assertThat(session.body()).isEqualTo("{\"keyRequired\":true,\"role\":\"invoke\"}");
        Answer admin = send(keyed, "GET /session HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + ADMIN_KEY + "\r\nConnection: close\r\n\r\n");
        assertThat(admin.body()).isEqualTo("{\"keyRequired\":true,\"role\":\"admin\"}");
        Answer open = send(keyless, "GET /session HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(open.body()).isEqualTo("{\"keyRequired\":false,\"role\":\"admin\"}");
    }

    @Test
    void aServerWithoutKeys_stillRefusesForeignHostsAndOtherSites_forPagesAndEndpoints() throws Exception {
        for (String path : List.of("/ui", "/ui/app.js", "/docs", "/webjars/uplot/uPlot.min.css", "/stats",
                "/session")) {
            Answer foreign = send(keyless, "GET " + path + " HTTP/1.1\r\nHost: attacker.example:" + keyless.port()
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(foreign.status()).as(path).isEqualTo(421);
            assertThat(foreign.body()).contains("urn:faas:problem:foreign-host");
            Answer crossSite = send(keyless, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + keyless.port()
                    + "\r\nSec-Fetch-Site: cross-site\r\nConnection: close\r\n\r\n");
            assertThat(crossSite.status()).as(path).isEqualTo(403);
            Answer sameOrigin = send(keyless, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + keyless.port()
                    + "\r\nSec-Fetch-Site: same-origin\r\nConnection: close\r\n\r\n");
            assertThat(sameOrigin.status()).as(path).isEqualTo(200);
        }
        Answer otherOrigin = send(keyless, "POST /register HTTP/1.1\r\nHost: 127.0.0.1:" + keyless.port()
                + "\r\nOrigin: http://127.0.0.1:1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertThat(otherOrigin.status()).isEqualTo(403);
    }

    private record Answer(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Writes {@code request} as is and reads the whole answer (the request asks the server to close). */
    private static Answer send(ServerUnderTest server, String request) throws Exception {
        String text = new String(RawHttp.exchange(server.port(), Duration.ofSeconds(30),
                request.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new java.util.HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        return new Answer(status, headers, end < 0 ? "" : text.substring(end + 4));
    }
}
