package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.faas.adapter.jaxrs.callback.CallbackSender;
import dev.faas.app.FaasConfig;
import dev.faas.app.FaasServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Callbacks as a way out of the platform: only to https on public addresses, or to hosts the operator allowed (here
 * a receiver on loopback); every internal target (loopback, metadata, private, link-local, mapped IPv6) and every
 * other scheme is refused with a 400 before anything is queued or sent. An allowed receiver gets the record signed
 * with HMAC-SHA256, and gets it again after failures, with backoff. No traffic leaves this machine: refused targets
 * are literal addresses (or localhost), checked before any connection.
 */
@Tag("reliability")
class CallbackAbuseTest {

    private static final String KEY = "callback-signing-key-for-tests";
    private static final String GREETER = "def user_function(name='nobody'):\n    return 'Hello, ' + name\n";

    @TempDir
    Path dataDir;

    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresToAnswer = new AtomicInteger();
    private FaasServer server;
    private Api api;

    private record Received(String body, String signature, String activationId, long atNanos) {
    }

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(new String(body, StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst(CallbackSender.SIGNATURE_HEADER),
                    exchange.getRequestHeaders().getFirst("X-Faas-Activation-Id"), System.nanoTime()));
            int status = failuresToAnswer.getAndUpdate(left -> Math.max(0, left - 1)) > 0 ? 500 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        server = FaasServer.start(FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "FAAS_RUNTIME", "process",
                "FAAS_PREWARM", "0", "FAAS_DATA_DIR", dataDir.toString(), "FAAS_CALLBACK_KEY", KEY,
                "FAAS_CALLBACK_ALLOW", "127.0.0.1:" + receiver.getAddress().getPort())));
        api = new Api(server.port());
        api.register("hello", GREETER);
    }

    @AfterEach
    void stop() {
        server.close();
        receiver.stop(0);
    }

    private String hook() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private Api.Reply queue(String callbackUrl) {
        return api.post("/functions/hello/invoke?async=true&callbackUrl="
                + URLEncoder.encode(callbackUrl, StandardCharsets.UTF_8), "{\"name\":\"hook\"}");
    }

    @Test
    void allowedReceiver_getsTheRecordSignedWithTheKey() throws Exception {
        Api.Reply accepted = queue(hook());
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String id = accepted.json().get("activationId").asText();

        await().atMost(Duration.ofSeconds(60)).until(() -> !received.isEmpty());

        Received delivery = received.get(0);
        assertThat(delivery.activationId()).isEqualTo(id);
        JsonNode record = Api.JSON.readTree(delivery.body());
        assertThat(record.get("activationId").asText()).isEqualTo(id);
        assertThat(record.get("status").asText()).isEqualTo("succeeded");
        assertThat(record.get("result").asText()).isEqualTo("Hello, hook");
        long timestamp = Long.parseLong(delivery.signature().replaceFirst("^t=(\\d+),.*$", "$1"));
        assertThat(delivery.signature()).isEqualTo(CallbackSender.signature(
                KEY.getBytes(StandardCharsets.UTF_8), timestamp, delivery.body()));
        assertThat(delivery.signature()).isNotEqualTo(CallbackSender.signature(
                "another-key-of-16-chars".getBytes(StandardCharsets.UTF_8), timestamp, delivery.body()));
        assertThat(api.get("/activations/" + id).json().get("callbackUrl").asText()).isEqualTo(hook());
    }

    @Test
    void seedInvokeWithPreferRespondAsync_takesACallbackUrl_andRefusesOneOnASynchronousCallOrAnInternalTarget()
            throws Exception {
        String seedBody = "{\"name\":\"hello-1\",\"params\":{\"name\":\"seed\"}}";
        Api.Reply accepted = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/invoke?callbackUrl=" + URLEncoder.encode(hook(), StandardCharsets.UTF_8)))
                .header("Prefer", "respond-async").POST(HttpRequest.BodyPublishers.ofString(seedBody)));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String id = accepted.json().get("activationId").asText();

        await().atMost(Duration.ofSeconds(60)).until(() -> !received.isEmpty());
        assertThat(received.get(0).activationId()).isEqualTo(id);
        assertThat(Api.JSON.readTree(received.get(0).body()).get("result").asText()).isEqualTo("Hello, seed");

        Api.Reply onSyncCall = api.post("/invoke?callbackUrl=" + URLEncoder.encode(hook(), StandardCharsets.UTF_8),
                seedBody);
        assertThat(onSyncCall.problem(400, "invalid-request").get("field").asText()).isEqualTo("callbackUrl");
        Api.Reply internal = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/invoke?callbackUrl=" + URLEncoder.encode("https://169.254.10.10/", StandardCharsets.UTF_8)))
                .header("Prefer", "respond-async").POST(HttpRequest.BodyPublishers.ofString(seedBody)));
        assertThat(internal.problem(400, "invalid-request").get("field").asText()).isEqualTo("callbackUrl");
        assertThat(received).hasSize(1);
    }

    @Test
    void failingReceiver_isTriedAgainWithGrowingPauses_untilItAccepts() {
        failuresToAnswer.set(2);

        assertThat(queue(hook()).status()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(90)).until(() -> received.size() == 3);
        long firstPause = received.get(1).atNanos() - received.get(0).atNanos();
        long secondPause = received.get(2).atNanos() - received.get(1).atNanos();
        assertThat(Duration.ofNanos(firstPause)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(Duration.ofNanos(secondPause)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(received).extracting(Received::body).containsOnly(received.get(0).body());
    }

    @Test
    void internalTargetsAndOtherSchemes_areRefusedBeforeAnythingIsQueued() {
        int port = receiver.getAddress().getPort();
        for (String url : List.of("http://127.0.0.1:" + (port == 65535 ? port - 1 : port + 1) + "/hook",
                "https://127.0.0.1/", "https://localhost:" + port + "/hook", "https://169.254.10.10/latest/",
                "https://[::1]:" + port + "/", "https://10.0.0.1/", "https://192.168.0.1/",
                "https://[::ffff:127.0.0.1]/", "https://0.0.0.0/", "file:///etc/passwd",
                "ftp://127.0.0.1:" + port + "/", "https://user:pw@127.0.0.1:" + port + "/hook", "http://192.0.2.7/",
                "javascript:alert(1)")) {
            Api.Reply refused = queue(url);
            assertThat(refused.problem(400, "invalid-request").get("field").asText()).as(url)
                    .isEqualTo("callbackUrl");
        }
        Api.Reply onSyncCall = api.post("/functions/hello/invoke?callbackUrl="
                + URLEncoder.encode(hook(), StandardCharsets.UTF_8), "{}");
        assertThat(onSyncCall.problem(400, "invalid-request").get("field").asText()).isEqualTo("callbackUrl");
        assertThat(api.get("/activations?function=hello").json().get("activations")).isEmpty();
        assertThat(received).isEmpty();
    }
}
