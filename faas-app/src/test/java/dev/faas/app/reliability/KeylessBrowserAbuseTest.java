package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.testkit.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A web page against the real server without API keys (issue 13, point 1): what a browser sends for a cross-origin
 * {@code fetch}, a DNS-rebinding page or a cross-site form is refused before any code runs, while programs such as
 * curl keep working whatever their content type; with keys, a cross-origin call carrying a valid bearer key works.
 * The process runtime serves (Docker is not what is tested); each function's module-level code leaves a file behind
 * when it runs, so "refused" is proven to mean "never ran". Requests go over raw sockets, because an HTTP client
 * will not send a foreign {@code Host}.
 */
@Tag("reliability")
class KeylessBrowserAbuseTest {

    private static final String ADMIN_KEY = "browser-abuse-admin-key-0001";

    @TempDir
    static Path workDirectory;

    @RegisterExtension
    static final ServerForClass KEYLESS = ServerForClass.with(Map.of("FAAS_PREWARM", "0"));

    @RegisterExtension
    static final ServerForClass WITH_KEYS = ServerForClass.with(Map.of(
            "FAAS_PREWARM", "0", "FAAS_API_KEYS", ADMIN_KEY + ":admin"));

    private final ServerUnderTest keyless = KEYLESS.server();
    private final ServerUnderTest withKeys = WITH_KEYS.server();

    @Test
    void crossOriginTextPlainRegister_isRefused_andTheCodeNeverRuns() throws Exception {
        Path trace = workDirectory.resolve("cross-origin.ran");

        Reply reply = post(keyless, "/register", registration("evil", trace), "Host: 127.0.0.1:" + keyless.port(),
                "Origin: https://evil.example", "Content-Type: text/plain;charset=UTF-8");

        reply.assertProblem(403, "cross-site-request");
        assertThat(reply.json().path("requestId").asText()).isNotEmpty();
        assertThat(trace).doesNotExist();
    }

    @Test
    void foreignHost_asADnsRebindingPageSendsIt_isRefused_andTheCodeNeverRuns() throws Exception {
        Path trace = workDirectory.resolve("rebinding.ran");

        // After rebinding, the page's own origin is same-origin with the request: only the Host tells.
        Reply reply = post(keyless, "/register", registration("rebound", trace), "Host: evil.example:" + keyless.port(),
                "Origin: http://evil.example:" + keyless.port(), "Content-Type: text/plain");
        Reply read = send(keyless, "GET", "/functions", null, "Host: evil.example:" + keyless.port());

        reply.assertProblem(421, "foreign-host");
        read.assertProblem(421, "foreign-host");
        assertThat(trace).doesNotExist();
    }

    @Test
    void crossSiteFetchMetadata_isRefused_andTheCodeNeverRuns() throws Exception {
        Path trace = workDirectory.resolve("cross-site.ran");

        Reply reply = post(keyless, "/register", registration("form", trace), "Host: localhost:" + keyless.port(),
                "Sec-Fetch-Site: cross-site", "Content-Type: application/x-www-form-urlencoded");

        reply.assertProblem(403, "cross-site-request");
        assertThat(trace).doesNotExist();
    }

    @Test
    void sameOriginPage_isServed() throws Exception {
        Path trace = workDirectory.resolve("same-origin.ran");
        String host = "127.0.0.1:" + keyless.port();

        Reply reply = post(keyless, "/register", registration("page", trace), "Host: " + host,
                "Origin: http://" + host, "Sec-Fetch-Site: same-origin", "Content-Type: application/json");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(trace).exists();
    }

    @Test
    void curlLikeCalls_withAFormContentTypeAndNoOrigin_areServed() throws Exception {
        Path trace = workDirectory.resolve("curl.ran");

        Reply registered = post(keyless, "/register", registration("curl", trace),
                "Host: localhost:" + keyless.port(), "User-Agent: curl/8.5.0",
                "Content-Type: application/x-www-form-urlencoded");
        String id = registered.json().path("result").asText();
        Reply invoked = post(keyless, "/invoke", "{\"name\":\"" + id + "\",\"params\":{}}",
                "Host: 127.0.0.1:" + keyless.port(), "User-Agent: curl/8.5.0",
                "Content-Type: application/x-www-form-urlencoded");

        assertThat(registered.status()).as(registered.body()).isEqualTo(200);
        assertThat(invoked.body()).isEqualTo("{\"result\":\"ran\"}");
        assertThat(trace).exists();
    }

    @Test
    void givenKeys_aCrossOriginCallWithAValidBearerKey_isServed_andOneWithoutIsNot() throws Exception {
        Path trace = workDirectory.resolve("keyed.ran");
        Path refusedTrace = workDirectory.resolve("keyed-refused.ran");

        Reply refused = post(withKeys, "/register", registration("nokey", refusedTrace),
                "Host: faas.example.com", "Origin: https://app.example.com", "Content-Type: text/plain");
        Reply served = post(withKeys, "/register", registration("keyed", trace), "Host: faas.example.com",
                "Origin: https://app.example.com", "Sec-Fetch-Site: cross-site", "Content-Type: application/json",
                "Authorization: Bearer " + ADMIN_KEY);

        refused.assertProblem(401, "unauthenticated");
        assertThat(refusedTrace).doesNotExist();
        assertThat(served.status()).as(served.body()).isEqualTo(200);
        assertThat(trace).exists();
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** A registration whose module-level code (run by the register check) creates {@code trace}. */
    private static String registration(String name, Path trace) {
        String code = "import pathlib\n"
                + "pathlib.Path(" + Api.JSON.valueToTree(trace.toString()) + ").write_text('ran')\n"
                + "def user_function():\n    return 'ran'\n";
        return Api.JSON.createObjectNode().put("name", name).put("code", code).toString();
    }

    record Reply(int status, String contentType, String body) {

        JsonNode json() throws IOException {
            return Api.JSON.readTree(body);
        }

        void assertProblem(int expectedStatus, String type) throws IOException {
            assertThat(status).as(body).isEqualTo(expectedStatus);
            assertThat(contentType).startsWith("application/problem+json");
            assertThat(json().path("type").asText()).isEqualTo(Api.PROBLEM + type);
        }
    }

    private static Reply post(ServerUnderTest server, String path, String body, String... headers)
            throws IOException {
        return send(server, "POST", path, body, headers);
    }

    /** One HTTP/1.1 request with exactly these headers, on a connection of its own. */
    private static Reply send(ServerUnderTest server, String method, String path, String body, String... headers)
            throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("Connection: close\r\n");
        if (body != null) {
            request.append("Content-Length: ").append(content.length).append("\r\n");
        }
        request.append("\r\n");
        String response = new String(RawHttp.exchange(server.port(), Duration.ofSeconds(60),
                request.toString().getBytes(StandardCharsets.US_ASCII), content), StandardCharsets.UTF_8);
        int endOfHead = response.indexOf("\r\n\r\n");
        String head = response.substring(0, endOfHead);
        String contentType = head.lines().filter(line -> line.regionMatches(true, 0, "Content-Type:", 0, 13))
                .map(line -> line.substring(13).strip()).findFirst().orElse("");
        String responseBody = response.substring(endOfHead + 4);
        if (head.toLowerCase().contains("transfer-encoding: chunked")) {
            responseBody = dechunk(responseBody);
        }
        return new Reply(Integer.parseInt(head.split(" ")[1]), contentType, responseBody);
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
