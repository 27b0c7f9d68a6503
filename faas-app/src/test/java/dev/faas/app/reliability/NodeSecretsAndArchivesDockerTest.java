package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.testkit.DockerAvailability;
import dev.faas.testkit.RequiresDocker;
import dev.faas.testkit.TestArchives;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SecretsAndEnvDockerTest} for Node.js functions, and Node.js archives, on the real server with its Docker
 * runtime and the nodejs image ({@code FAAS_IMAGE_NODEJS}): a pre-warmed nodejs container specialised for a version
 * sees its env in {@code process.env} and its secret as a 0400 file in {@code /run/secrets} (a tmpfs only the
 * function's user may enter), the value in neither {@code process.env}, the answers (logs, errors), the containers'
 * configuration nor the server's log; an archive's entry module requires its bundled {@code node_modules} and a
 * second module of its own; hostile nodejs archives are refused as Python's are.
 */
@Tag("docker")
@Tag("reliability")
@RequiresDocker(nodeImage = true)
class NodeSecretsAndArchivesDockerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBE = """
            const fs = require('fs');
            exports.user_function = ({ fail }) => {
              const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\\n').map((line) => line.split(' '));
              const secretsMount = mounts.find((mount) => mount[1] === '/run/secrets');
              const directory = fs.statSync('/run/secrets');
              const file = fs.statSync('/run/secrets/api-token');
              const secret = fs.readFileSync('/run/secrets/api-token', 'utf8');
              console.log('environment: ' + JSON.stringify(process.env));
              if (fail) {
                throw new Error('failing with the environment ' + JSON.stringify(process.env));
              }
              return {
                env: process.env.REGION, secret, fs: secretsMount ? secretsMount[2] : null,
                dirMode: (directory.mode & 0o777).toString(8), dirUid: directory.uid,
                fileMode: (file.mode & 0o777).toString(8), uid: process.getuid(),
                secretInEnvironment: Object.values(process.env).some((value) => value.includes(secret)),
              };
            };
            """;

    @TempDir
    Path workDirectory;

    @Test
    void firstCallOnAPrewarmedNodeContainer_seesEnvAndSecretFile_andTheSecretLeaksNowhere() throws Exception {
        String node = DockerSupport.uniqueNode("rnsec");
        SecretProbe.firstCallOnAPrewarmedContainer(workDirectory, node, environment(node), "nodejs", PROBE,
                (api, id, call, secretValue) -> {
                    JsonNode result = call.result();
                    SecretProbe.assertSawEnvAndPrivateSecretFile(result, secretValue, "700", "400");
                    assertThat(result.get("secretInEnvironment").asBoolean()).isFalse();
                    Api.Reply failed = api.invoke(id, Map.of("fail", true));
                    assertThat(failed.status()).as(failed.body()).isGreaterThanOrEqualTo(400);
                    assertThat(failed.body()).contains("eu-west").doesNotContain(secretValue);
                });
    }

    @Test
    void nodeArchive_asARawZip_requiresItsNodeModulesAndASecondModule_andHostileArchivesAreRefused() throws Exception {
        String node = DockerSupport.uniqueNode("rnzip");
        try (DockerSupport docker = DockerSupport.require()) {
            try (ServerUnderTest server = ServerUnderTest.start(workDirectory, environment(node))) {
                Api api = new Api(server.port());
                byte[] zip = TestArchives.zip(Map.of(
                        "index.js", "const pad = require('left-pad');\nconst { greet } = require('./lib/greet');\n"
                                + "exports.main = ({ name }) => pad(greet(name), 16, '*');\n",
                        "lib/greet.js", "exports.greet = (name) => `Hello, ${name}!`;\n",
                        "node_modules/left-pad/package.json", "{\"name\":\"left-pad\",\"main\":\"pad.js\"}\n",
                        "node_modules/left-pad/pad.js", "module.exports = (text, width, fill) =>\n"
                                + "  fill.repeat(Math.max(0, width - text.length)) + text;\n"));
                Api.Reply registered = api.send(zipRequest(server, "name=zipped&runtime=nodejs&handler=index.main",
                        zip));
                assertThat(registered.status()).as(() -> registered.body() + "\n" + server.log()).isEqualTo(200);

                Api.Reply call = api.invoke(registered.result().asText(), Map.of("name", "World"));

                assertThat(call.body()).isEqualTo("{\"result\":\"***Hello, World!\"}");
                // Default handler main.user_function: main.js, as a Python archive's main.py.
                Api.Reply byDefault = api.post("/register", JSON.createObjectNode().put("name", "zipped2")
                        .put("runtime", "nodejs").put("archive", Base64.getEncoder().encodeToString(TestArchives.zip(
                                Map.of("main.js", "exports.user_function = () => 'main';\n")))).toString());
                assertThat(byDefault.status()).as(byDefault.body()).isEqualTo(200);
                assertThat(api.invoke(byDefault.result().asText()).body()).isEqualTo("{\"result\":\"main\"}");

                String entry = "exports.main = () => 1;\n";
                refused(api, server, TestArchives.zip(Map.of("../../escape.js", "x", "index.js", entry)),
                        "archive-unsafe-path");
                refused(api, server, TestArchives.zip(Map.of("node_modules/../../../etc/x.js", "x", "index.js",
                        entry)), "archive-unsafe-path");
                refused(api, server, TestArchives.withUnixMode(TestArchives.zip(new LinkedHashMap<>(Map.of(
                        "index.js", entry, "node_modules/evil", "/etc/passwd"))), "node_modules/evil", 0120777),
                        "archive-link");
                refused(api, server, TestArchives.withDeclaredSize(TestArchives.zeros("index.js", 60 * 1024 * 1024),
                        "index.js", 100), "archive-too-large");
                refused(api, server, TestArchives.zip(Map.of("index.py", "def main(): pass\n")),
                        "handler-module-missing");
                assertThat(api.get("/functions/bad").status()).isEqualTo(404);
            } finally {
                docker.removeAll(node);
            }
        }
    }

    private static void refused(Api api, ServerUnderTest server, byte[] zip, String type) {
        Api.Reply reply = api.send(zipRequest(server, "name=bad&runtime=nodejs&handler=index.main", zip));
        reply.problem(400, type);
    }

    private static HttpRequest.Builder zipRequest(ServerUnderTest server, String query, byte[] zip) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/register?" + query))
                .header("Content-Type", "application/zip").POST(HttpRequest.BodyPublishers.ofByteArray(zip));
    }

    private static Map<String, String> environment(String node) throws java.io.IOException {
        return Map.of("FAAS_RUNTIME", "docker", "FAAS_NODE_ID", node,
                "FAAS_SOCKET_DIR", DockerSupport.socketDirectory().toString(), "FAAS_PREWARM", "0",
                "FAAS_PREWARM_NODEJS", "1", "FAAS_IMAGE_NODEJS", DockerAvailability.nodeFunctionImage());
    }
}
