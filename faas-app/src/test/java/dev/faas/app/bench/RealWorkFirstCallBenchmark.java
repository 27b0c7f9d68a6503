package dev.faas.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.faas.adapter.docker.DockerClients;
import dev.faas.app.FaasConfig;
import dev.faas.app.FaasServer;
import dev.faas.testkit.DockerAvailability;
import dev.faas.testkit.TestArchives;
import dev.faas.testkit.TestPackageIndex;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first call on a pre-warmed Docker instance of a function that does real work (a two-module archive, a
 * dependency from a local index, an env value and a secret) beside the same figure for a plain one-string function,
 * interleaved on one server so both see the same machine. Prints the table and the p50 ratio; asserts nothing about
 * speed. Run it with {@code BENCH_TEST=RealWorkFirstCallBenchmark bench/run.sh}.
 */
@Tag("benchmark")
class RealWorkFirstCallBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CALLS = Integer.getInteger("bench.firstCalls", 20);
    private static final Map<String, String> ARCHIVE = Map.of(
            "main.py", "import os\nimport helper\nimport faasdemo\n"
                    + "def user_function(name):\n"
                    + "    return [helper.greet(name), faasdemo.shout(name), os.environ['STAGE'],\n"
                    + "            open('/run/secrets/token').read()]\n",
            "helper.py", "def greet(name):\n    return 'Hello, ' + name\n");

    @TempDir
    Path dataDir;

    @Test
    void firstPrewarmedCall_realWorkFunction_besidePlainFunction() throws Exception {
        String node = "benchreal" + ProcessHandle.current().pid();
        String network = "faas-bench-index-" + node;
        TestPackageIndex index = new TestPackageIndex(dataDir.resolve("index"))
                .add("faasdemo", "1.0", Map.of("faasdemo/__init__.py", "def shout(t):\n    return t.upper()\n"));
        DockerClient docker = DockerClients.create();
        docker.createNetworkCmd().withName(network).withInternal(true).exec();
        String indexContainer = docker.createContainerCmd(DockerAvailability.functionImage()).withName(network)
                .withEntrypoint("python3", "-m", "http.server", "8000", "--directory", "/srv")
                .withUser("10001:10001")
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode(network)
                        .withBinds(new Bind(index.root().toString(), new Volume("/srv"), AccessMode.ro)))
                .exec().getId();
        try {
            docker.startContainerCmd(indexContainer).exec();
            Map<String, String> env = new HashMap<>(Map.of("FAAS_PORT", "0", "FAAS_RUNTIME", "docker",
                    "DELETE_AFTER", "1h", "FAAS_PREWARM", "1", "FAAS_DATA_DIR", dataDir.resolve("data").toString(),
                    "FAAS_NODE_ID", node, "FAAS_SECRETS_KEY", Base64.getEncoder().encodeToString(new byte[32]),
                    "FAAS_PIP_INDEX_URL", "http://" + network + ":8000/simple", "FAAS_PIP_TRUSTED_HOST", network,
                    "FAAS_PIP_NETWORK", network));
            env.put("FAAS_SOCKET_DIR", Files.createTempDirectory("faas-bench").toString());
            env.put("FAAS_IMAGE", DockerAvailability.functionImage());
            try (FaasServer server = FaasServer.start(FaasConfig.fromEnvironment(env))) {
                BenchClient client = new BenchClient(server.port(), 1);
                client.send(client.post("/secrets", "{\"name\":\"token\",\"value\":\"t\"}"));
                LatencyRecorder plain = new LatencyRecorder();
                LatencyRecorder real = new LatencyRecorder();
                for (int i = 0; i < CALLS; i++) {
                    plain.record(firstCall(client, server, plainRegistration("plain" + i)));
                    real.record(firstCall(client, server, realRegistration("real" + i)));
                }
                BenchTable table = new BenchTable("runtime docker, first call on a pre-warmed instance, " + CALLS
                        + " new versions each, interleaved");
                table.latency("plain function (one string of code)", plain);
                table.latency("archive of two modules + a dependency (cached layer) + env + secret", real);
                table.note("ratio: real-work p50 / plain p50 = %.2f", real.percentileMillis(50)
                        / plain.percentileMillis(50));
                table.publish();
            }
        } finally {
            docker.removeContainerCmd(indexContainer).withForce(true).exec();
            docker.removeNetworkCmd(network).exec();
            docker.close();
        }
    }

    private static String plainRegistration(String name) {
        return JSON.createObjectNode().put("name", name).put("code", "def user_function(name):\n    return name\n")
                .toString();
    }

    private static String realRegistration(String name) {
        ObjectNode request = JSON.createObjectNode().put("name", name)
                .put("archive", Base64.getEncoder().encodeToString(TestArchives.zip(ARCHIVE)))
                .put("requirements", "faasdemo==1.0\n");
        request.putObject("env").put("STAGE", "bench");
        request.putArray("secrets").add("token");
        return request.toString();
    }

    /** Registers, waits for the stock to hold an instance again, then times the first call. */
    private static long firstCall(BenchClient client, FaasServer server, String registration) throws Exception {
        HttpResponse<String> registered = client.send(client.post("/register", registration));
        if (registered.statusCode() != 200) {
            throw new IllegalStateException("registration failed: " + registered.body());
        }
        String id = JSON.readTree(registered.body()).get("result").asText();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> server.pool().prewarmedCount() >= 1);
        long start = System.nanoTime();
        HttpResponse<String> response = client.send(client.invoke(id, "{\"name\":\"x\"}"));
        long took = System.nanoTime() - start;
        if (response.statusCode() != 200
                || !"prewarmed".equals(response.headers().firstValue("X-Faas-Start").orElse(""))) {
            throw new IllegalStateException("expected a pre-warmed first call, got " + response.statusCode() + " "
                    + response.headers().firstValue("X-Faas-Start").orElse("?") + ": " + response.body());
        }
        return took;
    }
}
