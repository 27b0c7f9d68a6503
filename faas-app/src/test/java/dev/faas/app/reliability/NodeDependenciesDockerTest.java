package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.testkit.DockerAvailability;
import dev.faas.testkit.RequiresDocker;
import dev.faas.testkit.TestArchives;
import dev.faas.testkit.TestNpmRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A nodejs version's package.json dependencies, installed at registration by npm in a build container of the nodejs
 * image from a local npm registry stand-in (a packument and a tarball the test generates, served from a container on
 * an internal network that only the build container joins; never the internet): given as {@code requirements}, or
 * as an archive's package.json; cached by content hash; an unresolvable one refused with npm's output.
 */
@Tag("docker")
@Tag("reliability")
@RequiresDocker(nodeImage = true)
class NodeDependenciesDockerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PACKAGE_JSON = "{\"name\":\"shouter\",\"version\":\"1.0.0\","
            + "\"dependencies\":{\"faas-shout\":\"1.0.0\"}}";

    @TempDir
    Path workDirectory;

    @Test
    void packageJsonDependencies_areInstalledFromTheRegistryOnce_andRequiredByInlineCodeAndArchives() throws Exception {
        String node = DockerSupport.uniqueNode("rnpm");
        String registryName = "faas-test-npm-" + node;
        String registryUrl = "http://" + registryName + ":8000";
        TestNpmRegistry registry = new TestNpmRegistry(workDirectory.resolve("registry"), registryUrl)
                .add("faas-shout", "1.0.0", Map.of("index.js",
                        "module.exports = (text) => text.toUpperCase() + '!';\n"))
                // An install script that would leave a mark (and could do anything the build container allows).
                .add("faas-scripted", "1.0.0", Map.of("index.js", "module.exports = __dirname;\n"),
                        "\"scripts\":{\"preinstall\":\"node -e \\\"require('fs').writeFileSync('ran', 'x')\\\"\","
                                + "\"postinstall\":\"node -e \\\"require('fs').writeFileSync('ran', 'x')\\\"\"}");
        try (DockerSupport docker = DockerSupport.require();
             DockerSupport.InternalFileServer served = docker.serveOnInternalNetwork(registryName, node,
                     registry.root())) {
            try (ServerUnderTest server = ServerUnderTest.start(workDirectory, Map.of("FAAS_RUNTIME", "docker",
                    "FAAS_NODE_ID", node, "FAAS_SOCKET_DIR", DockerSupport.socketDirectory().toString(),
                    "FAAS_PREWARM", "0", "FAAS_IMAGE_NODEJS", DockerAvailability.nodeFunctionImage(),
                    "FAAS_NPM_REGISTRY", registryUrl + "/", "FAAS_NPM_NETWORK", served.name()))) {
                run(new Api(server.port(), Duration.ofMinutes(5)), server);
            } finally {
                docker.removeAll(node);
            }
        }
    }

    private static void run(Api api, ServerUnderTest server) throws Exception {
        String code = "const shout = require('faas-shout');\nexports.user_function = ({ name }) => shout(name);\n";
        Api.Reply first = api.post("/register", request("inline", code).put("requirements", PACKAGE_JSON).toString());
        assertThat(first.status()).as(() -> first.body() + "\n" + server.log()).isEqualTo(200);
        assertThat(first.header("X-Faas-Dependencies")).isEqualTo("built");

        assertThat(api.invoke(first.result().asText(), Map.of("name", "World")).body())
                .isEqualTo("{\"result\":\"WORLD!\"}");

        Api.Reply again = api.post("/register", request("inline-again", code).put("requirements", PACKAGE_JSON)
                .toString());
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.header("X-Faas-Dependencies")).isEqualTo("cached");
        Api.Reply module = api.post("/register", request("esm", "import shout from 'faas-shout';\n"
                + "export const user_function = ({ name }) => shout(name);\n").put("requirements", PACKAGE_JSON)
                .toString());
        assertThat(module.status()).as(module.body()).isEqualTo(200);
        assertThat(api.invoke(module.result().asText(), Map.of("name", "esm")).body())
                .isEqualTo("{\"result\":\"ESM!\"}");
        System.out.printf("nodejs register with an npm build: %d ms (build %s ms); cached: %d ms%n",
                first.millis(), first.header("X-Faas-Build-Ms"), again.millis());

        // An archive with a package.json and no node_modules: its dependencies are installed, beside its modules.
        byte[] zip = TestArchives.zip(Map.of("package.json", PACKAGE_JSON,
                "index.js", "const shout = require('faas-shout');\nconst { greet } = require('./lib/greet');\n"
                        + "exports.main = ({ name }) => shout(greet(name));\n",
                "lib/greet.js", "exports.greet = (name) => 'hello, ' + name;\n"));
        Api.Reply archived = api.post("/register", JSON.createObjectNode().put("name", "archived")
                .put("runtime", "nodejs").put("handler", "index.main")
                .put("archive", Base64.getEncoder().encodeToString(zip)).toString());
        assertThat(archived.status()).as(() -> archived.body() + "\n" + server.log()).isEqualTo(200);
        assertThat(archived.header("X-Faas-Dependencies")).isEqualTo("cached");
        assertThat(api.invoke(archived.result().asText(), Map.of("name", "Ada")).body())
                .isEqualTo("{\"result\":\"HELLO, ADA!\"}");

        Api.Reply missing = api.post("/register", request("broken", code).put("requirements",
                "{\"dependencies\":{\"faas-no-such-package\":\"9.9.9\"}}").toString());
        assertThat(missing.problem(400, "requirements-failed").path("pipOutput").asText())
                .contains("faas-no-such-package");
        assertThat(api.get("/functions/broken").status()).isEqualTo(404);
        Api.Reply notJson = api.post("/register", request("broken", code).put("requirements", "not json {")
                .toString());
        notJson.problem(400, "requirements-failed");

        // Install scripts never run (npm install --ignore-scripts): the package is there, its mark is not.
        Api.Reply scripted = api.post("/register", request("scripted", "const fs = require('fs');\n"
                + "const path = require('path');\nconst where = require('faas-scripted');\n"
                + "exports.user_function = () => ({ installed: fs.existsSync(path.join(where, 'package.json')),"
                + " ran: fs.existsSync(path.join(where, 'ran')) });\n")
                .put("requirements", "{\"dependencies\":{\"faas-scripted\":\"1.0.0\"}}").toString());
        assertThat(scripted.status()).as(() -> scripted.body() + "\n" + server.log()).isEqualTo(200);
        assertThat(api.invoke(scripted.result().asText()).body())
                .isEqualTo("{\"result\":{\"installed\":true,\"ran\":false}}");
    }

    private static ObjectNode request(String name, String code) {
        return JSON.createObjectNode().put("name", name).put("runtime", "nodejs").put("code", code);
    }
}
