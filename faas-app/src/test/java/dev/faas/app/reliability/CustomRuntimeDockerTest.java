package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Container;
import dev.faas.testkit.RequiresDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A custom runtime from {@code FAAS_RUNTIMES_FILE} on the real server with its Docker runtime: its image (here a
 * retag of the function image under test, made and removed by this test, so no network is needed) serves the versions
 * that ask for it by name, {@code GET /runtimes} lists it, and an unknown runtime is still refused naming every
 * runtime the node offers, the custom one included.
 */
@Tag("docker")
@Tag("reliability")
@RequiresDocker
class CustomRuntimeDockerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workDirectory;

    @Test
    void customRuntime_isListed_selectable_andRunsInItsOwnImage() throws Exception {
        String node = DockerSupport.uniqueNode("rcust");
        String repository = "faas-test-custom-" + node.toLowerCase();
        String image = repository + ":latest";
        Path runtimesFile = workDirectory.resolve("runtimes.conf");
        Files.writeString(runtimesFile, "# name = runner image\n\npython3-extra = python3 " + image + "\n");
        try (DockerSupport docker = DockerSupport.require()) {
            docker.client().tagImageCmd(DockerSupport.IMAGE, repository, "latest").exec();
            try (ServerUnderTest server = ServerUnderTest.start(workDirectory, Map.of("FAAS_RUNTIME", "docker",
                    "FAAS_NODE_ID", node, "FAAS_SOCKET_DIR", DockerSupport.socketDirectory().toString(),
                    "FAAS_PREWARM", "0", "FAAS_RUNTIMES_FILE", runtimesFile.toString()))) {
                Api api = new Api(server.port());
                JsonNode runtimes = api.get("/runtimes").json().get("runtimes");
                List<String> names = new ArrayList<>();
                runtimes.forEach(runtime -> names.add(runtime.get("name").asText()));
                assertThat(names).contains("python3", "python3-extra");
                JsonNode custom = runtimes.get(names.indexOf("python3-extra"));
                assertThat(custom.get("language").asText()).isEqualTo("python");
                assertThat(custom.get("image").asText()).isEqualTo(image);

                String id = api.post("/register", JSON.createObjectNode().put("name", "extra")
                        .put("runtime", "python3-extra").put("code", "import sys\n"
                                + "def user_function(name):\n    return 'Hello, ' + name + '! ' + sys.version[:1]\n")
                        .toString()).result().asText();
                Api.Reply call = api.invoke(id, Map.of("name", "World"));

                assertThat(call.body()).isEqualTo("{\"result\":\"Hello, World! 3\"}");
                List<Container> containers = docker.containers(node);
                assertThat(containers).isNotEmpty().allSatisfy(container -> assertThat(container.getImage())
                        .isEqualTo(image));
                assertThat(api.get("/functions/extra").body()).contains("python3-extra");
                Api.Reply unknown = api.post("/register", JSON.createObjectNode().put("name", "other")
                        .put("runtime", "ruby").put("code", "x").toString());
                assertThat(unknown.problem(400, "invalid-request").toString()).contains("python3-extra")
                        .contains("python3");
            } finally {
                docker.removeAll(node);
                docker.client().removeImageCmd(image).withNoPrune(true).exec();
            }
        }
    }
}
