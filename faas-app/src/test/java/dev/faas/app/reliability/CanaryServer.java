package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real server with its Docker runtime for a whole suite, registered in a static {@code @RegisterExtension} field:
 * its containers carry a node id of their own and use a socket directory of their own; a {@link Canary} runs around
 * each test and must have kept answering; after the suite the server is stopped (which must remove every container)
 * and whatever it left is swept, even when a test failed. Used by one suite at a time, so not thread-safe.
 */
final class CanaryServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    /** Whether the server's function containers run under gVisor (CI's second pass sets FAAS_DOCKER_RUNTIME). */
    static final boolean UNDER_GVISOR = System.getenv("FAAS_DOCKER_RUNTIME") != null
            && !System.getenv("FAAS_DOCKER_RUNTIME").startsWith("runc");

    private final String nodePrefix;
    private final Map<String, String> extraEnvironment;

    private Path workDirectory;
    private DockerSupport docker;
    private String node;
    private Path socketDirectory;
    private ServerUnderTest server;
    private Api api;
    private String canaryId;
    private Canary canary;

    private CanaryServer(String nodePrefix, Map<String, String> extraEnvironment) {
        this.nodePrefix = nodePrefix;
        this.extraEnvironment = Map.copyOf(extraEnvironment);
    }

    /** A server whose node id starts with {@code nodePrefix}, with no pre-warmed instances. */
    static CanaryServer onDocker(String nodePrefix) {
        return onDocker(nodePrefix, Map.of());
    }

    /** As {@link #onDocker(String)}, with more (or overriding) environment variables for the server. */
    static CanaryServer onDocker(String nodePrefix, Map<String, String> extraEnvironment) {
        return new CanaryServer(nodePrefix, extraEnvironment);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        docker = DockerSupport.require();
        node = DockerSupport.uniqueNode(nodePrefix);
        socketDirectory = DockerSupport.socketDirectory();
        workDirectory = Files.createTempDirectory("canary-server");
        Map<String, String> environment = new HashMap<>(Map.of("FAAS_RUNTIME", "docker", "FAAS_NODE_ID", node,
                "FAAS_SOCKET_DIR", socketDirectory.toString(), "FAAS_DATA_DIR", workDirectory.resolve("data")
                        .toString(), "FAAS_PREWARM", "0"));
        environment.putAll(extraEnvironment);
        server = ServerUnderTest.start(workDirectory, environment);
        api = new Api(server.port());
        canaryId = api.register("canary", Canary.CODE);
        assertThat(api.invoke(canaryId).result().asText()).isEqualTo("alive");
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        canary = Canary.start(api, canaryId);
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        if (canary != null) {
            canary.assertServedThroughout();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (server != null) {
                server.stop();
                if (UNDER_GVISOR) {
                    // gVisor may take longer to tear down a sandbox than the platform waits for its instances at
                    // stop (30 s): CI saw 33 s for one whose function had forked 63 processes. The stop must still
                    // have ended every container, once the engine has finished.
                    await("every container of the node ended after the stop").atMost(Duration.ofSeconds(90))
                            .untilAsserted(() -> assertThat(docker.running(node))
                                    .as("a clean stop ends every container").isEmpty());
                } else {
                    assertThat(docker.running(node)).as("a clean stop removes every container").isEmpty();
                }
            }
        } finally {
            if (server != null) {
                server.close(); // keeps its log under target/reliability-logs
            }
            if (docker != null) {
                docker.removeAll(node);
                docker.close();
            }
            DockerSupport.deleteRecursively(socketDirectory);
            DockerSupport.deleteRecursively(workDirectory);
        }
    }

    Api api() {
        return api;
    }

    ServerUnderTest server() {
        return server;
    }

    DockerSupport docker() {
        return docker;
    }

    /** The canary function's id, for tests that call it themselves. */
    String canaryId() {
        return canaryId;
    }

    /** The node id on the labels of this server's containers. */
    String node() {
        return node;
    }
}
