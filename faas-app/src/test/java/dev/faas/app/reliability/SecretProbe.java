package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secret scenario the Python and the Node.js suites share: a secret {@code api-token} and a probe function given
 * the env {@code REGION=eu-west} and that secret, first called on a pre-warmed container; its view of the env and of
 * the secret's file; the value in no container's configuration nor the server's log.
 */
final class SecretProbe {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PREWARMED = Pattern.compile("(?m)^faas_instances\\{state=\"prewarmed\"} ([0-9.]+)$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretProbe() {
    }

    /** What a test checks of the probe's first call: {@code api} and {@code id} serve for more calls. */
    interface FirstCallCheck {
        void check(Api api, String id, Api.Reply call, String secretValue);
    }

    /**
     * The whole scenario on Docker node {@code node}: a server started in {@code workDirectory} with
     * {@code environment} and a fresh {@code FAAS_SECRETS_KEY}, a fresh secret stored and the probe registered
     * ({@link #storeSecretAndRegisterProbe}); its first call starts pre-warmed and passes {@code check}, and then the
     * secret leaks nowhere ({@link #assertSecretLeaksNowhere}). The server is killed, not stopped: the node's
     * containers are removed after.
     */
    static void firstCallOnAPrewarmedContainer(Path workDirectory, String node, Map<String, String> environment,
            String runtime, String code, FirstCallCheck check) throws Exception {
        String secretValue = randomSecretValue();
        Map<String, String> settings = new HashMap<>(environment);
        settings.put("FAAS_SECRETS_KEY", randomSecretsKey());
        try (DockerSupport docker = DockerSupport.require()) {
            try (ServerUnderTest server = ServerUnderTest.start(workDirectory, settings)) {
                Api api = new Api(server.port());
                String id = storeSecretAndRegisterProbe(api, server, secretValue, runtime, code);

                Api.Reply call = api.invoke(id);

                assertThat(call.header("X-Faas-Start")).isEqualTo("prewarmed");
                check.check(api, id, call, secretValue);
                assertSecretLeaksNowhere(docker, node, server, secretValue);
            } finally {
                docker.removeAll(node);
            }
        }
    }

    /** A fresh {@code FAAS_SECRETS_KEY}: 32 random bytes, base64. */
    static String randomSecretsKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** A fresh value for the secret, found nowhere else. */
    static String randomSecretValue() {
        return "tok-" + Long.toHexString(RANDOM.nextLong());
    }

    /**
     * Stores {@code api-token} with {@code secretValue}, registers {@code code} as {@code probe} (in {@code runtime},
     * or the default one when null) with the env and the secret, and waits until the stock is refilled (the
     * registration's code check used its instance), so that the first call is served pre-warmed. Returns the id.
     */
    static String storeSecretAndRegisterProbe(Api api, ServerUnderTest server, String secretValue, String runtime,
            String code) {
        assertThat(api.post("/secrets", JSON.createObjectNode().put("name", "api-token")
                .put("value", secretValue).toString()).status()).isEqualTo(200);
        ObjectNode request = JSON.createObjectNode().put("name", "probe");
        if (runtime != null) {
            request.put("runtime", runtime);
        }
        request.put("code", code);
        request.set("env", JSON.createObjectNode().put("REGION", "eu-west"));
        request.set("secrets", JSON.createArrayNode().add("api-token"));
        Api.Reply registered = api.post("/register", request.toString());
        assertThat(registered.status()).as(() -> registered.body() + "\n" + server.log()).isEqualTo(200);
        String id = registered.result().asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> prewarmed(api) >= 1);
        return id;
    }

    /**
     * The probe saw the env and the secret in a file of mode {@code fileMode}, in a directory of mode
     * {@code directoryMode} owned by the function's user (10001), on a tmpfs (modes as the probe's language prints
     * them).
     */
    static void assertSawEnvAndPrivateSecretFile(JsonNode result, String secretValue, String directoryMode,
            String fileMode) {
        assertThat(result.get("env").asText()).isEqualTo("eu-west");
        assertThat(result.get("secret").asText()).isEqualTo(secretValue);
        assertThat(result.get("fs").asText()).isEqualTo("tmpfs");
        assertThat(result.get("dirMode").asText()).isEqualTo(directoryMode);
        assertThat(result.get("dirUid").asInt()).isEqualTo(result.get("uid").asInt()).isEqualTo(10001);
        assertThat(result.get("fileMode").asText()).isEqualTo(fileMode);
    }

    /** No container of {@code node} holds the value in its env or command (the engine's inspect), nor the log. */
    static void assertSecretLeaksNowhere(DockerSupport docker, String node, ServerUnderTest server,
            String secretValue) {
        for (Container container : docker.containers(node)) {
            InspectContainerResponse inspected = docker.client().inspectContainerCmd(container.getId()).exec();
            assertThat(Arrays.toString(inspected.getConfig().getEnv())).doesNotContain(secretValue);
            assertThat(Arrays.toString(inspected.getConfig().getCmd())).doesNotContain(secretValue);
        }
        assertThat(server.log()).doesNotContain(secretValue);
    }

    private static double prewarmed(Api api) {
        Matcher matcher = PREWARMED.matcher(api.get("/metrics").body());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
