package dev.faas.adapter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test's own resources behind {@link AccessControl}, with the health endpoint and the problem mapper, served over
 * real HTTP on loopback with keys held by a {@link FakeApiKeys}; closed after each test. Register one in an instance
 * {@code @RegisterExtension} field. Used by one test at a time, so not thread-safe.
 */
final class GuardedServer implements AfterEachCallback {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeApiKeys keys = new FakeApiKeys();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FaasHttpServer server;

    /** The keys the server accepts; add some before {@link #start} to turn authentication on. */
    FakeApiKeys keys() {
        return keys;
    }

    /** Starts serving {@code components} (resources, filters) on a free loopback port. */
    void start(Object... components) {
        ResourceConfig application = new ResourceConfig();
        for (Object component : components) {
            application.register(component);
        }
        application.register(new HealthResource());
        application.register(new ProblemMapper());
        application.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        application.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        AccessControl.install(application, keys, keys, ApiSettings.defaults());
        server = FaasHttpServer.start("127.0.0.1", 0, 4, application);
    }

    int port() {
        return server.port();
    }

    /** A request to {@code path} on this server, with a 30 s timeout. */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path)).timeout(Duration.ofSeconds(30));
    }

    /** GET {@code path} with {@code key} as bearer token, or without a key when it is null. */
    HttpResponse<String> get(String path, String key) {
        HttpRequest.Builder request = request(path);
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return send(request);
    }

    /** POST {@code body} to {@code path} with {@code key} as bearer token. */
    HttpResponse<String> post(String path, String key, String body) {
        return send(request(path).header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Sends {@code request} and returns the answer with its body as text. */
    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Asserts {@code response} is a problem document of {@code status} and {@code type}. */
    static void assertProblem(HttpResponse<String> response, int status, String type) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                contentType -> assertThat(contentType).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("type").asText()).isEqualTo(type);
    }

    /** The problem document {@code response} carries. */
    static JsonNode problem(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
