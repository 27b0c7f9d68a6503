package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platform's HTTP API as a caller sees it: register, invoke and problem documents, over plain HTTP/1.1 on
 * 127.0.0.1. Thread-safe: many callers may share one.
 */
final class Api {

    private static final Pattern BUSY_INSTANCES = Pattern.compile("(?m)^faas_instances\\{state=\"busy\"} ([0-9.]+)$");

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROBLEM = "urn:faas:problem:";

    private final HttpClient client;
    private final String baseUrl;
    private final Duration requestTimeout;

    Api(int port) {
        this(port, Duration.ofSeconds(90));
    }

    Api(int port, Duration requestTimeout) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.baseUrl = "http://127.0.0.1:" + port;
        this.requestTimeout = requestTimeout;
    }

    /** One answer: status, body and, when the body is JSON, its tree. */
    record Reply(int status, String body, HttpResponse<String> response, long millis) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        /** The problem type's short name ({@code out-of-memory}), or null when this is no problem document. */
        String problemType() {
            if (status < 400 || body.isEmpty() || body.charAt(0) != '{') {
                return null;
            }
            String type = json().path("type").asText("");
            return type.startsWith(PROBLEM) ? type.substring(PROBLEM.length()) : type;
        }

        JsonNode result() {
            assertThat(status).as("expected a result, got: " + body).isEqualTo(200);
            return json().get("result");
        }

        /** Asserts this is the problem {@code type} with {@code expectedStatus} and returns its tree. */
        JsonNode problem(int expectedStatus, String type) {
            assertThat(status).as(body).isEqualTo(expectedStatus);
            assertThat(response.headers().firstValue("Content-Type").orElse(""))
                    .startsWith("application/problem+json");
            JsonNode problem = json();
            assertThat(problem.path("type").asText()).as(body).isEqualTo(PROBLEM + type);
            assertThat(problem.path("status").asInt()).isEqualTo(expectedStatus);
            return problem;
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    /** Registers {@code code} under {@code name} and returns the new id; fails unless the answer is 200. */
    String register(String name, String code) {
        return register(name, code, Map.of());
    }

    String register(String name, String code, Map<String, Object> limits) {
        Reply reply = tryRegister(name, code, limits);
        return reply.result().asText();
    }

    /** Registers {@code code} of the language {@code runtime} under {@code name}; fails unless the answer is 200. */
    String register(String name, String code, Map<String, Object> limits, String runtime) {
        ObjectNode request = JSON.createObjectNode().put("name", name).put("code", code).put("runtime", runtime);
        if (!limits.isEmpty()) {
            request.set("limits", JSON.valueToTree(limits));
        }
        return post("/register", request.toString()).result().asText();
    }

    Reply tryRegister(String name, String code, Map<String, Object> limits) {
        ObjectNode request = JSON.createObjectNode().put("name", name).put("code", code);
        if (!limits.isEmpty()) {
            request.set("limits", JSON.valueToTree(limits));
        }
        return post("/register", request.toString());
    }

    Reply invoke(String id) {
        return invoke(id, Map.of());
    }

    Reply invoke(String id, Map<String, ?> params) {
        ObjectNode request = JSON.createObjectNode().put("name", id);
        request.set("params", JSON.valueToTree(params));
        return post("/invoke", request.toString());
    }

    Reply post(String path, String body) {
        return post(path, body.getBytes(StandardCharsets.UTF_8));
    }

    Reply post(String path, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** Waits (at most 30 s) until the server's pool holds at least {@code count} busy instances: calls under way. */
    void awaitBusyInstances(int count) {
        await("at least " + count + " busy instances").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> busyInstances() >= count);
    }

    /** The server's busy instances, from its {@code faas_instances{state="busy"}} gauge. */
    int busyInstances() {
        Matcher busy = BUSY_INSTANCES.matcher(get("/metrics").body());
        return busy.find() ? (int) Double.parseDouble(busy.group(1)) : 0;
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).DELETE());
    }

    /** Sends and returns the answer; an I/O failure (connection reset, no answer) is thrown unchecked. */
    Reply send(HttpRequest.Builder request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(request.timeout(requestTimeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
