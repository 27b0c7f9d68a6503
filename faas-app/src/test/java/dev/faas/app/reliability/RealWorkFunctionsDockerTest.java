package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.testkit.RequiresDocker;
import dev.faas.testkit.TestArchives;
import dev.faas.testkit.TestPackageIndex;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's end-to-end case on real Docker: a two-module archive whose handler imports its sibling and a dependency
 * installed from a local package index (a PEP 503 index of a wheel the test generates, served from a container on an
 * internal network that only the build container joins), with an env value and a secret, all four back in the result
 * of the first call on a pre-warmed instance. A second registration with the same requirements reuses the layer;
 * registrations racing for a new text build it once; an unresolvable requirement is refused with pip's output; the
 * archive is read-only in the instance; the secret is in no line of the server's log.
 */
@Tag("docker")
@Tag("reliability")
@RequiresDocker
class RealWorkFunctionsDockerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PREWARMED = Pattern.compile("(?m)^faas_instances\\{state=\"prewarmed\"} ([0-9.]+)$");
    private static final Map<String, String> ARCHIVE = Map.of(
            "main.py", "import os\nimport helper\nimport faasdemo\n"
                    + "def user_function(name):\n"
                    + "    try:\n"
                    + "        open(__file__, 'a').close()\n"
                    + "        writable = True\n"
                    + "    except OSError:\n"
                    + "        writable = False\n"
                    + "    return {'sibling': helper.greet(name), 'dependency': faasdemo.shout(name),\n"
                    + "            'env': os.environ['STAGE'], 'secret': open('/run/secrets/token').read(),\n"
                    + "            'codeWritable': writable}\n",
            "helper.py", "def greet(name):\n    return 'Hello, ' + name\n");

    @TempDir
    Path workDirectory;

    @Test
    void archiveWithSiblingDependencyEnvAndSecret_firstPrewarmedCall_returnsAllFour() throws Exception {
        String node = DockerSupport.uniqueNode("rreal");
        TestPackageIndex index = new TestPackageIndex(workDirectory.resolve("index"))
                .add("faasdemo", "1.0", Map.of("faasdemo/__init__.py",
                        "def shout(text):\n    return text.upper() + '!'\n"));
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secretValue = "tok-" + Long.toHexString(new SecureRandom().nextLong());
        String indexName = "faas-test-index-" + node;
        try (DockerSupport docker = DockerSupport.require();
             DockerSupport.InternalFileServer served = docker.serveOnInternalNetwork(indexName, node, index.root())) {
            try (ServerUnderTest server = ServerUnderTest.start(workDirectory, Map.of("FAAS_RUNTIME", "docker",
                    "FAAS_NODE_ID", node, "FAAS_SOCKET_DIR", DockerSupport.socketDirectory().toString(),
                    "FAAS_PREWARM", "1", "FAAS_SECRETS_KEY", Base64.getEncoder().encodeToString(key),
                    "FAAS_PIP_INDEX_URL", "http://" + indexName + ":8000/simple",
                    "FAAS_PIP_TRUSTED_HOST", indexName, "FAAS_PIP_NETWORK", served.name()))) {
                run(new Api(server.port(), Duration.ofMinutes(5)), server, secretValue);
            } finally {
                // The server is killed, not stopped: its containers are this test's to remove.
                docker.removeAll(node);
            }
        }
    }

    private static void run(Api api, ServerUnderTest server, String secretValue) throws Exception {
        assertThat(api.post("/secrets", JSON.createObjectNode().put("name", "token").put("value", secretValue)
                .toString()).status()).isEqualTo(200);

        Api.Reply first = register(api, "real", "faasdemo==1.0\n");
        assertThat(first.status()).as(() -> first.body() + "\n" + server.log()).isEqualTo(200);
        assertThat(first.header("X-Faas-Dependencies")).isEqualTo("built");
        await().atMost(Duration.ofSeconds(60)).until(() -> prewarmed(api) >= 1);

        Api.Reply call = api.post("/functions/real/invoke", "{\"name\":\"World\"}");

        assertThat(call.header("X-Faas-Start")).isEqualTo("prewarmed");
        JsonNode result = call.result();
        assertThat(result.get("sibling").asText()).isEqualTo("Hello, World");
        assertThat(result.get("dependency").asText()).isEqualTo("WORLD!");
        assertThat(result.get("env").asText()).isEqualTo("production");
        assertThat(result.get("secret").asText()).isEqualTo(secretValue);
        assertThat(result.get("codeWritable").asBoolean()).isFalse();

        Api.Reply second = register(api, "real-again", "faasdemo==1.0\n");
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.header("X-Faas-Dependencies")).isEqualTo("cached");
        System.out.printf("python3 register with a dependency build: %d ms (build %s ms); with the cached layer:"
                        + " %d ms (layer %s ms)%n", first.millis(), first.header("X-Faas-Build-Ms"), second.millis(),
                second.header("X-Faas-Build-Ms"));

        // Two registrations racing for a new text: one build, the other waits for it.
        CompletableFuture<Api.Reply> racerA = CompletableFuture.supplyAsync(
                () -> register(api, "race-a", "faasdemo==1.0\n# raced\n"));
        CompletableFuture<Api.Reply> racerB = CompletableFuture.supplyAsync(
                () -> register(api, "race-b", "faasdemo==1.0\n# raced\n"));
        List<String> kinds = List.of(racerA.get().header("X-Faas-Dependencies"),
                racerB.get().header("X-Faas-Dependencies"));
        assertThat(kinds).containsExactlyInAnyOrder("built", "cached");
        assertThat(server.log().split("built the dependency layer", -1)).hasSize(1 + 2);

        Api.Reply unresolvable = register(api, "broken", "no-such-package==9.9\n");
        JsonNode problem = unresolvable.problem(400, "requirements-failed");
        assertThat(problem.get("field").asText()).isEqualTo("requirements");
        assertThat(problem.get("pipOutput").asText()).contains("no-such-package");
        assertThat(api.get("/functions/broken").status()).isEqualTo(404);

        assertThat(server.log()).doesNotContain(secretValue);
    }

    private static Api.Reply register(Api api, String name, String requirements) {
        ObjectNode request = JSON.createObjectNode().put("name", name)
                .put("archive", Base64.getEncoder().encodeToString(TestArchives.zip(ARCHIVE)))
                .put("requirements", requirements);
        request.putObject("env").put("STAGE", "production");
        request.putArray("secrets").add("token");
        return api.post("/register", request.toString());
    }

    private static double prewarmed(Api api) {
        Matcher matcher = PREWARMED.matcher(api.get("/metrics").body());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
