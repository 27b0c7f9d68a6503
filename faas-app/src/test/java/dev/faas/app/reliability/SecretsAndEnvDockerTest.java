package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import dev.faas.testkit.RequiresDocker;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version's env and secret in real containers, delivered to a pre-warmed instance when it is specialised: the env
 * is {@code os.environ}, the secret a 0400 file in {@code /run/secrets}, a tmpfs of the container's own that only
 * the function's user may enter; the value is in neither the container's configuration (the engine's inspect) nor
 * the server's log.
 */
@Tag("docker")
@Tag("reliability")
@RequiresDocker
class SecretsAndEnvDockerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PREWARMED = Pattern.compile("(?m)^faas_instances\\{state=\"prewarmed\"} ([0-9.]+)$");
    private static final String PROBE = "import os, stat\n"
            + "def user_function():\n"
            + "    mounts = [line.split() for line in open('/proc/mounts')]\n"
            + "    secrets_mount = [m for m in mounts if m[1] == '/run/secrets']\n"
            + "    directory = os.stat('/run/secrets')\n"
            + "    file = os.stat('/run/secrets/api-token')\n"
            + "    return {'env': os.environ.get('REGION'), 'secret': open('/run/secrets/api-token').read(),\n"
            + "            'fs': secrets_mount[0][2] if secrets_mount else None,\n"
            + "            'dirMode': oct(stat.S_IMODE(directory.st_mode)), 'dirUid': directory.st_uid,\n"
            + "            'fileMode': oct(stat.S_IMODE(file.st_mode)), 'uid': os.getuid()}\n";

    @TempDir
    Path workDirectory;

    @Test
    void firstCallOnAPrewarmedContainer_seesEnvAndSecretFile_onAPrivateTmpfs() throws Exception {
        String node = DockerSupport.uniqueNode("rsec");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secretValue = "tok-" + Long.toHexString(new SecureRandom().nextLong());
        try (DockerSupport docker = DockerSupport.require()) {
            try (ServerUnderTest server = ServerUnderTest.start(workDirectory, Map.of("FAAS_RUNTIME", "docker",
                    "FAAS_NODE_ID", node, "FAAS_SOCKET_DIR", DockerSupport.socketDirectory().toString(),
                    "FAAS_PREWARM", "1", "FAAS_SECRETS_KEY", Base64.getEncoder().encodeToString(key)))) {
                Api api = new Api(server.port());
                assertThat(api.post("/secrets", JSON.createObjectNode().put("name", "api-token")
                        .put("value", secretValue).toString()).status()).isEqualTo(200);
                Api.Reply registered = api.post("/register", JSON.createObjectNode().put("name", "probe")
                        .put("code", PROBE).<com.fasterxml.jackson.databind.node.ObjectNode>set("env",
                                JSON.createObjectNode().put("REGION", "eu-west"))
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set("secrets",
                                JSON.createArrayNode().add("api-token")).toString());
                assertThat(registered.status()).as(() -> registered.body() + "\n" + server.log()).isEqualTo(200);
                String id = registered.result().asText();
                // The registration's code check used the stock's instance: wait for its replacement.
                await().atMost(Duration.ofSeconds(60)).until(() -> prewarmed(api) >= 1);

                Api.Reply call = api.invoke(id);

                assertThat(call.header("X-Faas-Start")).isEqualTo("prewarmed");
                JsonNode result = call.result();
                assertThat(result.get("env").asText()).isEqualTo("eu-west");
                assertThat(result.get("secret").asText()).isEqualTo(secretValue);
                assertThat(result.get("fs").asText()).isEqualTo("tmpfs");
                assertThat(result.get("dirMode").asText()).isEqualTo("0o700");
                assertThat(result.get("dirUid").asInt()).isEqualTo(result.get("uid").asInt()).isEqualTo(10001);
                assertThat(result.get("fileMode").asText()).isEqualTo("0o400");
                for (Container container : docker.containers(node)) {
                    InspectContainerResponse inspected = docker.client().inspectContainerCmd(container.getId()).exec();
                    assertThat(Arrays.toString(inspected.getConfig().getEnv())).doesNotContain(secretValue);
                    assertThat(Arrays.toString(inspected.getConfig().getCmd())).doesNotContain(secretValue);
                }
                assertThat(server.log()).doesNotContain(secretValue);
            } finally {
                // The server is killed, not stopped: its containers are this test's to remove.
                docker.removeAll(node);
            }
        }
    }

    private static double prewarmed(Api api) {
        Matcher matcher = PREWARMED.matcher(api.get("/metrics").body());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
