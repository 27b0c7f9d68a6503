package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.testkit.EmbeddedPostgresExtension;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers sharing one PostgreSQL: a version registered through one is served by the other at once; a delete or a
 * key revocation through one counts on the other within about a second (here: well under, thanks to NOTIFY); and a
 * change made right after the database came back from an outage still reaches the other node. Prints how long each
 * change took to propagate; asserts only generous bounds.
 */
@Tag("postgres")
class MultiNodeEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROPAGATION_BOUND = Duration.ofSeconds(2);
    private static final String GREETER = "def user_function(name):\\n    return 'Hello, ' + name";

    @RegisterExtension
    final EmbeddedPostgresExtension postgres = EmbeddedPostgresExtension.restartable();

    @TempDir
    Path dataRoot;

    private final List<String> figures = new ArrayList<>();

    @Test
    void twoNodesSharingPostgres_seeEachOthersDeletesAndKeyChanges_evenAcrossADatabaseRestart() throws Exception {
        postgres.start();
        int port = postgres.port();
        try (FaasServer nodeA = FaasServer.start(PostgresNodeConfig.of("node-a", dataRoot, port, Map.of()));
             FaasServer nodeB = FaasServer.start(PostgresNodeConfig.of("node-b", dataRoot, port, Map.of()))) {
            Client a = new Client(nodeA.port());
            Client b = new Client(nodeB.port());
            assertThat(a.get("/readyz", null).body()).contains("\"node\":\"node-a\"");
            assertThat(b.get("/readyz", null).body()).contains("\"node\":\"node-b\"");
            assertThat(b.get("/metrics", null).body()).contains("faas_node_info{node=\"node-b\"} 1");

            // Registered through A, served by B at once: B reads what it has not cached.
            assertThat(a.post("/register", "{\"name\":\"hello\",\"code\":\"" + GREETER + "\"}", null).body())
                    .isEqualTo("{\"result\":\"hello-1\"}");
            assertThat(b.invoke("hello-1", null).body()).isEqualTo("{\"result\":\"Hello, World\"}");
            assertThat(a.invoke("hello-1", null).statusCode()).isEqualTo(200);
            assertThat(a.invoke("hello-1", null).headers().firstValue("X-Faas-Start")).contains("warm");
            assertThat(b.invoke("hello-1", null).headers().firstValue("X-Faas-Start")).contains("warm");
            assertThat(nodeA.runtime().running()).hasSize(1);
            assertThat(nodeB.runtime().running()).hasSize(1);

            // Deleted through B: A, which cached the version and keeps an instance warm, drops both.
            assertThat(b.delete("/functions/hello/versions/1", null).statusCode()).isEqualTo(204);
            long deletedNanos = System.nanoTime();
            long notFoundMillis = awaitMillis(deletedNanos, () -> a.invoke("hello-1", null).statusCode() == 404);
            long stoppedMillis = awaitMillis(deletedNanos, () -> nodeA.runtime().running().isEmpty());
            figure("delete through B -> 404 on A", notFoundMillis);
            figure("delete through B -> A's instance stopped", stoppedMillis);
            assertThat(notFoundMillis).isLessThan(PROPAGATION_BOUND.toMillis());
            awaitMillis(deletedNanos, () -> nodeB.runtime().running().isEmpty());

            // A key created through A (open on loopback while no key exists) works on B, which now requires keys.
            a.post("/register", "{\"name\":\"keep\",\"code\":\"" + GREETER + "\"}", null);
            String admin = createKey(a, "admin", null).key();
            long adminCreatedNanos = System.nanoTime();
            long authOnMillis = awaitMillis(adminCreatedNanos, () -> b.invoke("keep-1", null).statusCode() == 401);
            figure("first key created on A -> B requires keys", authOnMillis);
            CreatedKey invoker = createKey(a, "invoke", admin);
            String invokeKey = invoker.key();
            assertThat(b.invoke("keep-1", invokeKey).statusCode()).isEqualTo(200);
            assertThat(b.invoke("keep-1", invokeKey).statusCode()).as("cached on B now").isEqualTo(200);

            // Revoked through A: B refuses it although it had it cached.
            assertThat(a.delete("/admin/keys/" + invoker.id(), admin).statusCode()).isEqualTo(204);
            long revokedNanos = System.nanoTime();
            long refusedMillis = awaitMillis(revokedNanos, () -> b.invoke("keep-1", invokeKey).statusCode() == 401);
            figure("key revoked through A -> 401 on B", refusedMillis);
            assertThat(refusedMillis).isLessThan(PROPAGATION_BOUND.toMillis());
            assertThat(b.invoke("keep-1", admin).statusCode()).isEqualTo(200);

            // The database goes away and comes back; a delete made right after must still reach B.
            a.post("/register", "{\"name\":\"blip\",\"code\":\"" + GREETER + "\"}", admin);
            a.post("/register", "{\"name\":\"blip\",\"code\":\"" + GREETER + "\"}", admin);
            assertThat(b.invoke("blip-1", admin).statusCode()).isEqualTo(200);
            assertThat(b.invoke("blip-2", admin).statusCode()).isEqualTo(200);
            postgres.stop();
            // Both nodes have seen the store go: their readiness says so.
            awaitMillis(System.nanoTime(), Duration.ofSeconds(30), () -> a.get("/readyz", null).statusCode() == 503
                    && b.get("/readyz", null).statusCode() == 503);
            postgres.start();
            long restartedNanos = System.nanoTime();
            awaitMillis(restartedNanos, Duration.ofSeconds(30),
                    () -> a.delete("/functions/blip/versions/1", admin).statusCode() == 204);
            long blipDeletedNanos = System.nanoTime();
            figure("database restarted -> delete through A accepted", elapsedMillis(restartedNanos));
            long caughtUpMillis = awaitMillis(blipDeletedNanos, Duration.ofSeconds(30),
                    () -> b.invoke("blip-1", admin).statusCode() == 404);
            figure("delete through A right after the restart -> 404 on B", caughtUpMillis);

            // Listening again: the next delete is notified, not just polled.
            awaitMillis(System.nanoTime(), Duration.ofSeconds(30), () -> listeners() == 2);
            assertThat(a.delete("/functions/blip/versions/2", admin).statusCode()).isEqualTo(204);
            long laterDeletedNanos = System.nanoTime();
            long laterMillis = awaitMillis(laterDeletedNanos, () -> b.invoke("blip-2", admin).statusCode() == 404);
            figure("next delete through A, listening again -> 404 on B", laterMillis);
            assertThat(laterMillis).isLessThan(PROPAGATION_BOUND.toMillis());
        } finally {
            figures.forEach(line -> System.out.println("multi-node: " + line));
        }
    }

    private record CreatedKey(String id, String key) {
    }

    private static CreatedKey createKey(Client node, String role, String adminKey) throws IOException {
        HttpResponse<String> created = node.post("/admin/keys", "{\"role\":\"" + role + "\"}", adminKey);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode document = JSON.readTree(created.body());
        return new CreatedKey(document.get("id").asText(), document.get("key").asText());
    }

    private int listeners() {
        try (Connection connection = postgres.dataSource().getConnection();
             ResultSet rows = connection.createStatement().executeQuery("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE application_name = 'faas-change-listener'")) {
            rows.next();
            return rows.getInt(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    private void figure(String what, long millis) {
        figures.add(String.format("%-55s %6d ms", what, millis));
    }

    private static long awaitMillis(long sinceNanos, BooleanSupplier condition) {
        return awaitMillis(sinceNanos, Duration.ofSeconds(10), condition);
    }

    /** Waits until {@code condition} holds (looking every 10 ms); returns the milliseconds since {@code sinceNanos}. */
    private static long awaitMillis(long sinceNanos, Duration patience, BooleanSupplier condition) {
        await().atMost(patience).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(condition::getAsBoolean);
        return elapsedMillis(sinceNanos);
    }

    private static long elapsedMillis(long sinceNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    }

    /** Requests to one node, with an API key or without. */
    private static final class Client {

        private final HttpClientSupport http;

        Client(int port) {
            this.http = new HttpClientSupport(port);
        }

        HttpResponse<String> invoke(String id, String key) {
            return post("/invoke", "{\"name\":\"" + id + "\",\"params\":{\"name\":\"World\"}}", key);
        }

        HttpResponse<String> post(String path, String body, String key) {
            return http.send(authorized(http.request(path), key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        HttpResponse<String> get(String path, String key) {
            return http.send(authorized(http.request(path), key).GET());
        }

        HttpResponse<String> delete(String path, String key) {
            return http.send(authorized(http.request(path), key).DELETE());
        }

        private static HttpRequest.Builder authorized(HttpRequest.Builder request, String key) {
            return key == null ? request : request.header("Authorization", "Bearer " + key);
        }
    }
}
