package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.testkit.RequiresDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server and the sockets between it and its runners (issue 13, point 2): a socket directory that other
 * local users could enter is made private at startup, one that another user owns stops the server with what to fix,
 * and a function finds its socket directory read-only. The other halves (impostor refused by its uid, a runner that
 * never answers its first ping) are in faas-adapter-docker's {@code DockerRunnerSocketTest}.
 */
@Tag("docker")
@Tag("reliability")
@RequiresDocker
class RunnerSocketSuiteTest {

    @TempDir
    Path workDirectory;

    private DockerSupport docker;
    private String node;
    private Path socketDirectory;

    @BeforeEach
    void requireDocker() throws Exception {
        docker = DockerSupport.require();
        node = DockerSupport.uniqueNode("rsock");
        socketDirectory = DockerSupport.socketDirectory();
    }

    @AfterEach
    void cleanUp() {
        if (docker != null) {
            docker.removeAll(node);
            docker.close();
        }
        DockerSupport.deleteRecursively(socketDirectory);
    }

    @Test
    void givenSocketDirectoryOpenToOtherUsers_theServer_makesItPrivate_andFunctionsFindItReadOnly() throws Exception {
        Files.setPosixFilePermissions(socketDirectory, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (ServerUnderTest server = ServerUnderTest.start(workDirectory, environment())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socketDirectory)))
                    .as("FAAS_SOCKET_DIR once the server started").isEqualTo("rwx------");
            assertThat(server.log()).contains("was rwxr-xr-x; made it rwx------");

            Api api = new Api(server.port());
            String id = api.register("socketdirprobe", """
                    import os
                    def user_function():
                        try:
                            with open("/run/faas/probe", "wb") as file:
                                file.write(b"x")
                            return "written"
                        except OSError as error:
                            return error.strerror
                    """);
            JsonNode result = api.invoke(id).result();

            assertThat(result.asText()).isEqualTo("Read-only file system");
            server.stop();
        }
    }

    @Test
    void givenSocketDirectoryOfAnotherUser_theServer_refusesToStart_sayingWhatToFix() throws Exception {
        Assumptions.assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"),
                "giving a directory away needs root");
        Files.setAttribute(socketDirectory, "unix:uid", 12345);

        assertThatThrownBy(() -> ServerUnderTest.start(workDirectory, environment()).close())
                .hasMessageContaining("cannot start: the socket root (FAAS_SOCKET_DIR) " + socketDirectory)
                .hasMessageContaining("belongs to uid 12345")
                .hasMessageContaining("chown");
        assertThat(docker.containers(node)).isEmpty();
    }

    private Map<String, String> environment() {
        return Map.of("FAAS_RUNTIME", "docker", "FAAS_NODE_ID", node, "FAAS_SOCKET_DIR", socketDirectory.toString(),
                "FAAS_DATA_DIR", workDirectory.resolve("data").toString(), "FAAS_PREWARM", "0");
    }
}
