package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import dev.faas.app.reliability.DockerSupport;
import dev.faas.app.reliability.ServerUnderTest;
import dev.faas.testkit.RequiresDocker;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server with its Docker runtime, over HTTP, as a user runs it: the seed flow in containers, warm reuse,
 * and the startup sweep after a SIGKILL. Fails instead of skipping when {@code FAAS_REQUIRE_DOCKER=true}.
 */
@Tag("docker")
@RequiresDocker
class DockerEndToEndTest {

    private static final String SEED = "{\"name\":\"hello\",\"code\":\"def user_function(name):\\n"
            + "    return f\\\"Hello, {name}!\\\"\"}";

    private static final List<String> NODES = new java.util.concurrent.CopyOnWriteArrayList<>();
    @RegisterExtension
    static final DockerSupport docker = DockerSupport.forClass();

    @TempDir
    Path workDirectory;

    @AfterAll
    static void removeTheNodesContainers() {
        // A server ended by SIGKILL (as ServerUnderTest.close() does to one still running) leaves its containers
        // for the next start's sweep; this class's nodes never start again, so remove them here.
        NODES.forEach(docker::removeAll);
    }

    @Test
    void seedFlow_runsInAContainer_andTheSecondCallReusesIt() throws Exception {
        String node = uniqueNode();
        try (ServerUnderTest server = ServerUnderTest.start(workDirectory, dockerEnvironment(node, "0"))) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            assertThat(http.post("/register", SEED).body()).isEqualTo("{\"result\":\"hello-1\"}");

            HttpResponse<String> first = http.post("/invoke", "{\"name\":\"hello-1\",\"params\":{\"name\":\"World\"}}");
            List<Container> afterFirst = containers(node);
            HttpResponse<String> second = http.post("/invoke", "{\"name\":\"hello-1\",\"params\":{\"name\":\"again\"}}");

            assertThat(first.body()).isEqualTo("{\"result\":\"Hello, World!\"}");
            assertThat(first.headers().firstValue("X-Faas-Start")).contains("cold");
            assertThat(second.body()).isEqualTo("{\"result\":\"Hello, again!\"}");
            assertThat(second.headers().firstValue("X-Faas-Start")).contains("warm");
            assertThat(containers(node)).hasSize(afterFirst.size()).hasSize(1);
            assertThat(http.get("/readyz").body())
                    .isEqualTo("{\"status\":\"ready\",\"node\":\"" + node
                            + "\",\"checks\":{\"store\":\"up\",\"runtime\":\"up\"}}");
            assertThat(afterFirst.get(0).getLabels()).containsEntry("faas.function", "hello-1")
                    .containsEntry("faas.managed", "true").containsEntry("faas.node", node);

            server.stop();
            assertThat(containers(node)).as("a clean stop removes every container").isEmpty();
        }
    }

    @Test
    void prewarmedInstances_serveTheFirstCallOfANewVersion() throws Exception {
        String node = uniqueNode();
        try (ServerUnderTest server = ServerUnderTest.start(workDirectory, dockerEnvironment(node, "2"))) {
            awaitContainers(node, 2);
            HttpClientSupport http = new HttpClientSupport(server.port());
            http.post("/register", SEED);

            HttpResponse<String> first = http.post("/invoke", "{\"name\":\"hello-1\",\"params\":{\"name\":\"pool\"}}");

            assertThat(first.body()).isEqualTo("{\"result\":\"Hello, pool!\"}");
            assertThat(first.headers().firstValue("X-Faas-Start")).contains("prewarmed");
            awaitContainers(node, 3);
        }
    }

    @Test
    void killedPlatform_leavesContainersThatTheNextStartSweepsAway() throws Exception {
        String node = uniqueNode();
        try (ServerUnderTest server = ServerUnderTest.start(workDirectory, dockerEnvironment(node, "2"))) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            http.post("/register", SEED);
            http.post("/invoke", "{\"name\":\"hello-1\",\"params\":{\"name\":\"x\"}}");
            awaitContainers(node, 3);
            server.kill();
        }
        List<String> orphans = containers(node).stream().map(Container::getId).toList();
        assertThat(orphans).as("SIGKILL runs no shutdown hook").isNotEmpty();

        try (ServerUnderTest server = ServerUnderTest.start(workDirectory, dockerEnvironment(node, "0"))) {
            assertThat(containers(node)).extracting(Container::getId).doesNotContainAnyElementsOf(orphans);
            HttpClientSupport http = new HttpClientSupport(server.port());
            assertThat(http.post("/invoke", "{\"name\":\"hello-1\",\"params\":{\"name\":\"back\"}}").body())
                    .isEqualTo("{\"result\":\"Hello, back!\"}");
            assertThat(server.log()).contains("removed " + orphans.size() + " leftover container(s)");
        } finally {
            docker.removeAll(node);
        }
    }

    private Map<String, String> dockerEnvironment(String node, String prewarm) throws Exception {
        Path sockets = Files.createTempDirectory("faas-e2e");
        return Map.of("FAAS_RUNTIME", "docker", "FAAS_NODE_ID", node, "FAAS_PREWARM", prewarm,
                "FAAS_SOCKET_DIR", sockets.toString());
    }

    private static String uniqueNode() {
        String node = "e2e" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        NODES.add(node);
        return node;
    }

    private static List<Container> containers(String node) {
        return docker.containers(node);
    }

    private static void awaitContainers(String node, int count) {
        await("containers of " + node).atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(containers(node)).hasSize(count));
    }
}
