package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.app.reliability.ServerUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server with its default embedded H2 store: functions survive a clean stop and a SIGKILL. */
class DurableStoreEndToEndTest {

    private static final String CODE = "{\"name\":\"hello\",\"code\":\"def user_function(name):\\n    return 'Hello, ' + name\"}";

    @TempDir
    Path workDirectory;

    @Test
    void registeredFunction_survivesACleanStopAndARestart() throws Exception {
        try (ServerUnderTest server = ServerUnderTest.start(workDirectory, Map.of())) {
            assertThat(new HttpClientSupport(server.port()).post("/register", CODE).body())
                    .isEqualTo("{\"result\":\"hello-1\"}");
            // SIGTERM ends a JVM with 143 (128 + 15) once its shutdown hooks have run.
            assertThat(server.stop()).isEqualTo(143);
            assertThat(server.log()).contains("stopping every instance");
        }
        try (ServerUnderTest server = ServerUnderTest.start(workDirectory, Map.of())) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            assertThat(http.post("/invoke", "{\"name\":\"hello-1\",\"params\":{\"name\":\"again\"}}").body())
                    .isEqualTo("{\"result\":\"Hello, again\"}");
            assertThat(http.post("/register", CODE).body()).isEqualTo("{\"result\":\"hello-2\"}");
        }
        assertThat(workDirectory.resolve("data/faas.mv.db")).exists();
    }

    @Test
    void registeredFunction_survivesSigkillRightAfterTheAnswer() throws Exception {
        try (ServerUnderTest server = ServerUnderTest.start(workDirectory, Map.of())) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            for (int i = 1; i <= 5; i++) {
                assertThat(http.post("/register", CODE).body()).isEqualTo("{\"result\":\"hello-" + i + "\"}");
            }
            server.kill();
        }
        try (ServerUnderTest server = ServerUnderTest.start(workDirectory, Map.of())) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            assertThat(http.post("/invoke", "{\"name\":\"hello-5\",\"params\":{\"name\":\"crash\"}}").body())
                    .isEqualTo("{\"result\":\"Hello, crash\"}");
            assertThat(http.post("/register", CODE).body()).isEqualTo("{\"result\":\"hello-6\"}");
        }
    }

    @Test
    void unreachableDatabase_stopsTheServerWithAClearMessageAndStatus3() throws Exception {
        int closedPort = ServerUnderTest.freePort();
        try (ServerUnderTest server = ServerUnderTest.launch(workDirectory, Map.of(
                "FAAS_DB_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/faas",
                "FAAS_DB_USER", "faas", "FAAS_DB_PASSWORD", "hunter2"), ServerUnderTest.freePort())) {
            assertThat(server.awaitExit(60)).isEqualTo(Main.EXIT_STORE_UNAVAILABLE);
            String log = server.log();
            assertThat(log).contains("cannot open the function store").contains("127.0.0.1:" + closedPort)
                    .doesNotContain("hunter2").doesNotContain("\tat ");
        }
    }

    @Test
    void malformedConfiguration_stopsTheServerWithStatus2() throws Exception {
        try (ServerUnderTest server = ServerUnderTest.launch(workDirectory, Map.of("DELETE_AFTER", "soon"),
                ServerUnderTest.freePort())) {
            assertThat(server.awaitExit(60)).isEqualTo(Main.EXIT_CONFIG);
            assertThat(server.log()).contains("DELETE_AFTER").doesNotContain("\tat ");
        }
        assertThat(Files.exists(workDirectory.resolve("data/faas.mv.db"))).isFalse();
    }
}
