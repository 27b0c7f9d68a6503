package dev.faas.adapter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.ports.model.AccessRole;
import dev.faas.testkit.RawHttp;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link KeylessRequestGuard}: without API keys, requests addressed to another host name or marked by a browser as
 * cross-site are refused before any resource runs; programs pass whatever their content type; with keys it steps
 * aside. Requests go over a raw socket, because an HTTP client will not send a foreign {@code Host}.
 */
class KeylessRequestGuardTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger RUNS = new AtomicInteger();

    @RegisterExtension
    final GuardedServer server = new GuardedServer();

    private final FakeApiKeys keys = server.keys();

    // --- rules, as pure functions ---------------------------------------------------------------------------------

    @Test
    void loopbackHosts_areNamesAndAddressesOfThisMachineOnly() {
        for (String host : new String[] {"localhost", "LOCALHOST:8080", "127.0.0.1", "127.0.0.1:8080", "127.9.8.7:1",
                "[::1]", "[::1]:8080", "[0:0:0:0:0:0:0:1]:80"}) {
            assertThat(KeylessRequestGuard.isLoopbackHost(host)).as(host).isTrue();
        }
        for (String host : new String[] {null, "", "evil.example", "evil.example:8080", "localhost.evil.example",
                "app.localhost", "localhost.", "127.0.0.1.nip.io", "10.0.0.1", "0.0.0.0:8080", "[::]", "[fe80::1]",
                "127.0.0.256", "::1", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:80:80", "[::1]x",
                "2130706433", "0x7f.0.0.1"}) {
            assertThat(KeylessRequestGuard.isLoopbackHost(host)).as(host).isFalse();
        }
    }

    @Test
    void sameOrigin_isSchemeHostAndPortOfTheRequest() {
        assertThat(KeylessRequestGuard.isSameOrigin(null, "http", "127.0.0.1:8080")).isTrue();
        assertThat(KeylessRequestGuard.isSameOrigin("http://127.0.0.1:8080", "http", "127.0.0.1:8080")).isTrue();
        assertThat(KeylessRequestGuard.isSameOrigin("HTTP://LOCALHOST:8080", "http", "localhost:8080")).isTrue();
        assertThat(KeylessRequestGuard.isSameOrigin("http://localhost", "http", "localhost:80")).isTrue();
        assertThat(KeylessRequestGuard.isSameOrigin("https://localhost:443", "https", "localhost")).isTrue();
        assertThat(KeylessRequestGuard.isSameOrigin("http://[::1]:8080", "http", "[::1]:8080")).isTrue();

        assertThat(KeylessRequestGuard.isSameOrigin("null", "http", "127.0.0.1:8080")).isFalse();
        assertThat(KeylessRequestGuard.isSameOrigin("https://evil.example", "http", "127.0.0.1:8080")).isFalse();
        assertThat(KeylessRequestGuard.isSameOrigin("http://localhost:8080", "http", "127.0.0.1:8080")).isFalse();
        assertThat(KeylessRequestGuard.isSameOrigin("http://127.0.0.1:3000", "http", "127.0.0.1:8080")).isFalse();
        assertThat(KeylessRequestGuard.isSameOrigin("https://127.0.0.1:8080", "http", "127.0.0.1:8080")).isFalse();
        assertThat(KeylessRequestGuard.isSameOrigin("http://127.0.0.1:8080/x", "http", "127.0.0.1:8080")).isFalse();
        assertThat(KeylessRequestGuard.isSameOrigin("http://127.0.0.1:8080, https://evil.example", "http",
                "127.0.0.1:8080")).isFalse();
    }

    @Test
    void secFetchSite_passesOnlyWhenAbsentSameOriginOrNone() {
        assertThat(KeylessRequestGuard.isSameOriginFetch(null)).isTrue();
        assertThat(KeylessRequestGuard.isSameOriginFetch("same-origin")).isTrue();
        assertThat(KeylessRequestGuard.isSameOriginFetch("none")).isTrue();
        assertThat(KeylessRequestGuard.isSameOriginFetch("cross-site")).isFalse();
        assertThat(KeylessRequestGuard.isSameOriginFetch("same-site")).isFalse();
    }

    // --- over HTTP ------------------------------------------------------------------------------------------------

    @Test
    void givenNoKey_foreignHost_is421AndNothingRuns() throws Exception {
        start();

        Reply reply = send("POST", "/run", "Host: evil.example:" + server.port(), "Content-Type: text/plain");

        reply.assertProblem(421, "urn:faas:problem:foreign-host");
        assertThat(reply.problem().get("requestId").asText()).isNotEmpty();
        assertThat(RUNS.get()).isZero();
    }

    @Test
    void givenNoKey_crossOriginTextPlainPost_is403AndNothingRuns() throws Exception {
        start();

        Reply reply = send("POST", "/run", "Host: 127.0.0.1:" + server.port(), "Origin: https://evil.example",
                "Content-Type: text/plain");

        reply.assertProblem(403, "urn:faas:problem:cross-site-request");
        assertThat(RUNS.get()).isZero();
    }

    @Test
    void givenNoKey_opaqueOriginAndCrossSiteFetch_areRefused() throws Exception {
        start();

        send("POST", "/run", "Host: localhost:" + server.port(), "Origin: null")
                .assertProblem(403, "urn:faas:problem:cross-site-request");
        send("GET", "/read", "Host: localhost:" + server.port(), "Sec-Fetch-Site: cross-site")
                .assertProblem(403, "urn:faas:problem:cross-site-request");
        send("GET", "/no-such-path", "Host: evil.example")
                .assertProblem(421, "urn:faas:problem:foreign-host");
        assertThat(RUNS.get()).isZero();
    }

    @Test
    void givenNoKey_programsAndSameOriginPages_pass() throws Exception {
        start();
        String host = "127.0.0.1:" + server.port();

        assertThat(send("POST", "/run", "Host: " + host, "Content-Type: application/x-www-form-urlencoded").status)
                .isEqualTo(200);
        assertThat(send("POST", "/run", "Host: localhost:" + server.port(), "Content-Type: text/plain").status)
                .isEqualTo(200);
        assertThat(send("POST", "/run", "Host: [::1]:" + server.port()).status).isEqualTo(200);
        assertThat(send("POST", "/run", "Host: " + host, "Origin: http://" + host, "Sec-Fetch-Site: same-origin")
                .status).isEqualTo(200);
        assertThat(send("GET", "/read", "Host: " + host, "Sec-Fetch-Site: none").status).isEqualTo(200);
        assertThat(RUNS.get()).isEqualTo(5);
    }

    @Test
    void givenNoKey_probesAnswerAnyHost() throws Exception {
        start();

        assertThat(send("GET", "/healthz", "Host: faas-node-3:8080", "Origin: https://evil.example").status)
                .isEqualTo(200);
    }

    @Test
    void givenKeys_guardStepsAside_andTheBearerKeyDecides() throws Exception {
        String admin = keys.add(AccessRole.ADMIN);
        start();

        Reply withKey = send("POST", "/run", "Host: faas.example.com", "Origin: https://app.example.com",
                "Sec-Fetch-Site: cross-site", "Authorization: Bearer " + admin);
        Reply withoutKey = send("POST", "/run", "Host: faas.example.com", "Origin: https://app.example.com");

        assertThat(withKey.status).as(withKey.body).isEqualTo(200);
        withoutKey.assertProblem(401, "urn:faas:problem:unauthenticated");
        assertThat(RUNS.get()).isEqualTo(1);
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    @Path("/")
    public static final class Probe {

        @POST
        @Path("run")
        @RolesAllowed(AccessRole.Names.ADMIN)
        public String run(String body) {
            RUNS.incrementAndGet();
            return "ran";
        }

        @GET
        @Path("read")
        @RolesAllowed(AccessRole.Names.INVOKE)
        public String read() {
            RUNS.incrementAndGet();
            return "read";
        }
    }

    private void start() {
        RUNS.set(0);
        server.start(new Probe(), new RequestLogFilter());
    }

    private record Reply(int status, String contentType, String body) {

        JsonNode problem() throws IOException {
            return JSON.readTree(body);
        }

        void assertProblem(int expectedStatus, String type) throws IOException {
            assertThat(status).as(body).isEqualTo(expectedStatus);
            assertThat(contentType).startsWith("application/problem+json");
            assertThat(problem().get("type").asText()).isEqualTo(type);
            assertThat(problem().get("status").asInt()).isEqualTo(expectedStatus);
        }
    }

    /** One HTTP/1.1 request with exactly these headers and a small body. */
    private Reply send(String method, String path, String... headers) throws IOException {
        byte[] body = "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("Connection: close\r\n");
        if (method.equals("POST")) {
            request.append("Content-Length: ").append(body.length).append("\r\n");
        }
        request.append("\r\n");
        String response = new String(RawHttp.exchange(server.port(), Duration.ofSeconds(10),
                request.toString().getBytes(StandardCharsets.US_ASCII), method.equals("POST") ? body : new byte[0]),
                StandardCharsets.UTF_8);
        String head = response.substring(0, response.indexOf("\r\n\r\n"));
        String contentType = head.lines().filter(line -> line.regionMatches(true, 0, "Content-Type:", 0, 13))
                .map(line -> line.substring(13).strip()).findFirst().orElse("");
        int status = Integer.parseInt(head.split(" ")[1]);
        return new Reply(status, contentType, response.substring(response.indexOf("\r\n\r\n") + 4));
    }
}
