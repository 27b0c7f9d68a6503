package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import dev.faas.testkit.RequiresDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code FAAS_DOCKER_RUNTIME}: checked against the engine at start (an unknown runtime stops the server with how to
 * install one), and given to every function container. The runtime checked is the one under test: the engine's
 * {@code runc}, or gVisor in CI's second pass ({@code FAAS_DOCKER_RUNTIME} set for the whole run).
 */
@Tag("docker")
@Tag("reliability")
@RequiresDocker
class OciRuntimeStartupTest {

    private static final String RUNTIME_UNDER_TEST = System.getenv().getOrDefault("FAAS_DOCKER_RUNTIME", "runc");

    @Test
    void unknownRuntime_stopsTheServerAtStart_sayingHowToInstallOne() throws Exception {
        Path work = Files.createTempDirectory("oci-unknown");
        try (ServerUnderTest server = ServerUnderTest.launch(work, Map.of("FAAS_RUNTIME", "docker",
                "FAAS_NODE_ID", DockerSupport.uniqueNode("roci"), "FAAS_DATA_DIR", work.resolve("data").toString(),
                "FAAS_SOCKET_DIR", DockerSupport.socketDirectory().toString(),
                "FAAS_DOCKER_RUNTIME", "faas-no-such-runtime"), ServerUnderTest.freePort())) {
            assertThat(server.awaitExit(60)).isNotZero();
            assertThat(server.log()).contains("FAAS_DOCKER_RUNTIME=faas-no-such-runtime", "apt-get install runsc",
                    "daemon.json", "kill -HUP");
        } finally {
            DockerSupport.deleteRecursively(work);
        }
    }

    @Test
    void egressWithAnOciRuntime_isRefusedAtStart_sayingWhy() throws Exception {
        Path work = Files.createTempDirectory("oci-egress");
        try (ServerUnderTest server = ServerUnderTest.launch(work, Map.of("FAAS_RUNTIME", "docker",
                "FAAS_NODE_ID", DockerSupport.uniqueNode("roce"), "FAAS_DATA_DIR", work.resolve("data").toString(),
                "FAAS_DOCKER_RUNTIME", "runsc-faas", "FAAS_EGRESS", "on"), ServerUnderTest.freePort())) {
            assertThat(server.awaitExit(60)).isNotZero();
            assertThat(server.log()).contains("FAAS_EGRESS=on cannot be combined with FAAS_DOCKER_RUNTIME");
        } finally {
            DockerSupport.deleteRecursively(work);
        }
    }

    @Test
    void configuredRuntime_runsEveryFunctionContainer() throws Exception {
        try (DockerSupport docker = DockerSupport.require()) {
            String node = DockerSupport.uniqueNode("rocr");
            Path work = Files.createTempDirectory("oci-runs");
            Path sockets = DockerSupport.socketDirectory();
            try (ServerUnderTest server = ServerUnderTest.start(work, Map.of("FAAS_RUNTIME", "docker",
                    "FAAS_NODE_ID", node, "FAAS_DATA_DIR", work.resolve("data").toString(), "FAAS_SOCKET_DIR",
                    sockets.toString(), "FAAS_PREWARM", "1", "FAAS_DOCKER_RUNTIME", RUNTIME_UNDER_TEST))) {
                Api api = new Api(server.port());
                String id = api.register("kernel", "import platform\ndef user_function():\n"
                        + "    return platform.release()\n");
                String release = api.invoke(id).result().asText();

                assertThat(release).isNotBlank();
                docker.awaitRunningAtLeast(node, 1);
                for (Container container : docker.running(node)) {
                    String runtime = docker.client().inspectContainerCmd(container.getId()).exec().getHostConfig()
                            .getRuntime();
                    assertThat(runtime).as("container %s", container.getNames()[0]).isEqualTo(RUNTIME_UNDER_TEST);
                }
                if (RUNTIME_UNDER_TEST.startsWith("runsc")) {
                    // gVisor's user-space kernel reports its own release, not the host's.
                    assertThat(release).isNotEqualTo(System.getProperty("os.version"));
                }
            } finally {
                docker.removeAll(node);
                DockerSupport.deleteRecursively(sockets);
                DockerSupport.deleteRecursively(work);
            }
        }
    }
}
