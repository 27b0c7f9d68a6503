package dev.faas.app;

import static dev.faas.app.SeedApiEndToEndTest.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.testkit.EmbeddedPostgresExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedules over HTTP on two servers sharing one PostgreSQL, in real time: a schedule ticking every two seconds
 * fires each tick on one node only (the activations counted in the database match the schedule's fired count, and
 * fired plus missed match the ticks that came), and the API refuses bad schedules with problems naming the field.
 */
@Tag("postgres")
class SchedulesEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GREETER = "def user_function(name='nobody'):\\n    return 'Hello, ' + name";

    @RegisterExtension
    final EmbeddedPostgresExtension postgres = EmbeddedPostgresExtension.restartable();

    @TempDir
    Path dataRoot;

    @Test
    void aScheduleOnTwoNodes_firesEachTickOnce_andEachFiringRunsAsAnActivation() throws Exception {
        postgres.start();
        try (FaasServer nodeA = FaasServer.start(config("node-a"));
             FaasServer nodeB = FaasServer.start(config("node-b"))) {
            HttpClientSupport a = new HttpClientSupport(nodeA.port());
            HttpClientSupport b = new HttpClientSupport(nodeB.port());
            assertThat(a.post("/register", "{\"name\":\"tick\",\"code\":\"" + GREETER + "\"}").statusCode())
                    .isEqualTo(200);

            HttpResponse<String> created = a.post("/functions/tick/schedules",
                    "{\"cron\":\"*/2 * * * * *\",\"params\":{\"name\":\"cron\"},\"timezone\":\"UTC\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode schedule = JSON.readTree(created.body());
            String id = schedule.get("id").asText();
            assertThat(created.headers().firstValue("Location")).contains("/functions/tick/schedules/" + id);
            assertThat(schedule.get("params")).isEqualTo(JSON.readTree("{\"name\":\"cron\"}"));
            Instant createdAt = Instant.parse(schedule.get("createdAt").asText());

            await("six ticks fired").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> scheduleOn(b, "tick", id).get("fired").asLong() >= 6);
            // Deleted through B: no node fires it any more.
            assertThat(b.delete("/functions/tick/schedules/" + id).statusCode()).isEqualTo(204);

            JsonNode last = JSON.readTree(a.get("/activations?function=tick&limit=1000").body());
            long activations = last.get("activations").size();
            long queuedOrRunning = 0;
            for (JsonNode activation : last.get("activations")) {
                String status = activation.get("status").asText();
                assertThat(status).isIn("queued", "running", "succeeded");
                queuedOrRunning += status.equals("succeeded") ? 0 : 1;
            }
            long[] counts = firedAndMissed(id);
            assertThat(counts).as("the schedule's row is gone").isNull();
            assertThat(activations).as("one activation per fired tick, never two").isBetween(6L, 1000L);
            await("every firing ran").atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(a.get(
                    "/activations?function=tick&status=succeeded&limit=1000").body()).get("activations").size()
                    == activations);
            JsonNode done = JSON.readTree(a.get("/activations/" + last.get("activations").get(0)
                    .get("activationId").asText()).body());
            assertThat(done.get("result").asText()).isEqualTo("Hello, cron");
            System.out.println("schedules: " + activations + " firings in "
                    + Duration.between(createdAt, Instant.now()).toMillis() + " ms on two nodes; "
                    + queuedOrRunning + " not yet run when the schedule was deleted");
        }
    }

    @Test
    void firedCount_matchesTheActivations_andFiredPlusMissedMatchTheTicksThatCame() throws Exception {
        postgres.start();
        try (FaasServer nodeA = FaasServer.start(config("node-a"));
             FaasServer nodeB = FaasServer.start(config("node-b"))) {
            HttpClientSupport a = new HttpClientSupport(nodeA.port());
            a.post("/register", "{\"name\":\"count\",\"code\":\"" + GREETER + "\"}");
            String id = JSON.readTree(a.post("/functions/count/schedules", "{\"cron\":\"* * * * * *\"}").body())
                    .get("id").asText();

            await().atMost(Duration.ofSeconds(90)).until(() -> scheduleOn(a, "count", id).get("fired").asLong() >= 5);
            // Stop both nodes: nothing fires afterwards, so the counts hold still.
            nodeA.close();
            nodeB.close();

            long[] counts = firedAndMissed(id);
            JsonNode row = scheduleRow(id);
            long ticksCame = (Instant.parse(row.get("next").asText()).getEpochSecond()
                    - Instant.parse(row.get("created").asText()).getEpochSecond()) - 1;
            assertThat(activationsOf("count")).as("one activation per fired tick").isEqualTo(counts[0]);
            assertThat(counts[0] + counts[1]).as("every tick from creation to the next one fired or missed")
                    .isEqualTo(ticksCame);
            System.out.println("schedules: " + counts[0] + " ticks fired, " + counts[1] + " missed of " + ticksCame);
        }
    }

    @Test
    void badSchedules_areProblemsNamingTheField() throws Exception {
        postgres.start();
        try (FaasServer node = FaasServer.start(config("node-a"))) {
            HttpClientSupport http = new HttpClientSupport(node.port());
            http.post("/register", "{\"name\":\"tick\",\"code\":\"" + GREETER + "\"}");

            assertThat(problem(http.post("/functions/tick/schedules", "{\"cron\":\"every minute\"}"), 400,
                    "urn:faas:problem:invalid-request").get("field").asText()).isEqualTo("cron");
            assertThat(problem(http.post("/functions/tick/schedules", "{\"params\":{}}"), 400,
                    "urn:faas:problem:invalid-request").get("field").asText()).isEqualTo("cron");
            assertThat(problem(http.post("/functions/tick/schedules",
                    "{\"cron\":\"* * * * *\",\"timezone\":\"Mars/Olympus\"}"), 400,
                    "urn:faas:problem:invalid-request").get("field").asText()).isEqualTo("timezone");
            problem(http.post("/functions/tick/schedules", "{\"cron\":\"* * * * *\",\"params\":[1]}"), 400,
                    "urn:faas:problem:invalid-request");
            problem(http.post("/functions/tick/schedules", "{\"cron\":\"* * * * *\",\"every\":1}"), 400,
                    "urn:faas:problem:invalid-request");
            problem(http.post("/functions/ghost/schedules", "{\"cron\":\"* * * * *\"}"), 404,
                    "urn:faas:problem:function-not-found");
            problem(http.delete("/functions/tick/schedules/" + "0".repeat(32)), 404,
                    "urn:faas:problem:schedule-not-found");
            problem(http.delete("/functions/tick/schedules/nope"), 400, "urn:faas:problem:invalid-request");
            assertThat(JSON.readTree(http.get("/functions/tick/schedules").body()).get("schedules")).isEmpty();
        }
    }

    private static JsonNode scheduleOn(HttpClientSupport node, String function, String id) throws Exception {
        for (JsonNode schedule : JSON.readTree(node.get("/functions/" + function + "/schedules").body())
                .path("schedules")) {
            if (schedule.get("id").asText().equals(id)) {
                return schedule;
            }
        }
        throw new AssertionError("no schedule " + id);
    }

    private long[] firedAndMissed(String id) throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
             ResultSet row = connection.createStatement().executeQuery(
                     "SELECT fired, missed FROM schedules WHERE id = '" + id + "'")) {
            return row.next() ? new long[] {row.getLong(1), row.getLong(2)} : null;
        }
    }

    private JsonNode scheduleRow(String id) throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
             ResultSet row = connection.createStatement().executeQuery(
                     "SELECT created_at, next_fire_at FROM schedules WHERE id = '" + id + "'")) {
            row.next();
            return JSON.createObjectNode()
                    .put("created", row.getObject(1, java.time.OffsetDateTime.class).toInstant().toString())
                    .put("next", row.getObject(2, java.time.OffsetDateTime.class).toInstant().toString());
        }
    }

    private long activationsOf(String function) throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
             ResultSet row = connection.createStatement().executeQuery(
                     "SELECT COUNT(*) FROM activations WHERE function_name = '" + function + "'")) {
            row.next();
            return row.getLong(1);
        }
    }

    private FaasConfig config(String nodeId) {
        return PostgresNodeConfig.of(nodeId, dataRoot, postgres.port(), Map.of("FAAS_ASYNC_POLL_INTERVAL", "200ms"));
    }
}
