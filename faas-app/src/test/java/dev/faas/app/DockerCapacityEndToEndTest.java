package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import dev.faas.app.reliability.DockerSupport;
import dev.faas.app.reliability.ServerUnderTest;
import dev.faas.testkit.RequiresDocker;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A node limited to 4 containers serving 8 functions in turn: it evicts idle ones and answers every call. */
@Tag("docker")
@RequiresDocker
class DockerCapacityEndToEndTest {

    @RegisterExtension
    static final DockerSupport docker = DockerSupport.forClass();

    @TempDir
    Path workDirectory;

    @Test
    void nodeLimitOfFour_eightFunctionsInTurn_neverMoreThanFourContainersAndEveryCallAnswered() throws Exception {
        String node = DockerSupport.uniqueNode("cap");
        Map<String, String> environment = Map.of("FAAS_RUNTIME", "docker", "FAAS_NODE_ID", node,
                "FAAS_MAX_INSTANCES", "4", "FAAS_PREWARM", "1",
                "FAAS_SOCKET_DIR", Files.createTempDirectory("faas-cap").toString());
        AtomicInteger maxContainers = new AtomicInteger();
        AtomicBoolean watching = new AtomicBoolean(true);
        try (ServerUnderTest server = ServerUnderTest.start(workDirectory, environment)) {
            Thread watcher = new Thread(() -> {
                while (watching.get()) {
                    int running = docker.running(node).size();
                    maxContainers.accumulateAndGet(running, Math::max);
                }
            });
            HttpClientSupport http = new HttpClientSupport(server.port());
            // Watching from the start: the containers that check code at registration count too.
            watcher.start();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(register(http, "f" + i));
            }
            List<String> kinds = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (String id : ids) {
                    HttpResponse<String> response = http.post("/invoke", "{\"name\":\"" + id + "\"}");
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    assertThat(response.body()).isEqualTo("{\"result\":\"" + id + "\"}");
                    kinds.add(response.headers().firstValue("X-Faas-Start").orElseThrow());
                }
            }
            watching.set(false);
            watcher.join();

            assertThat(maxContainers.get()).isLessThanOrEqualTo(4);
            assertThat(kinds).as("8 functions cannot all stay warm in 4 containers").doesNotContain("warm")
                    .contains("cold");
        } finally {
            watching.set(false);
            docker.removeAll(node);
        }
    }

    private static String register(HttpClientSupport http, String name) {
        HttpResponse<String> response = http.post("/register", "{\"name\":\"" + name
                + "\",\"code\":\"def user_function():\\n    return '" + name + "-1'\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return name + "-1";
    }
}
