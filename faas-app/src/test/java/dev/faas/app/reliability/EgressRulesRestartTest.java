package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.faas.testkit.RequiresDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The host rules of the egress network belong to the platform: installed at start, removed at a clean stop, and
 * never duplicated, however often the node restarts, even after it was killed without a chance to clean up.
 */
@Tag("docker")
@Tag("reliability")
@RequiresDocker
class EgressRulesRestartTest {

    private final DockerSupport docker = DockerSupport.require();
    private final String node = DockerSupport.uniqueNode("rrules");
    private Path socketDirectory;
    private Path workDirectory;
    private ServerUnderTest server;

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null) {
            server.close();
        }
        // Whatever a failed run left: the jumps, the chains and the network of this test's node only.
        String bridge = bridgeOf(node);
        if (bridge != null) {
            for (String rule : rulesOf("DOCKER-USER", bridge)) {
                iptables(("-D" + rule.substring(2)).split(" "));
            }
            for (String rule : rulesOf("INPUT", bridge)) {
                iptables(("-D" + rule.substring(2)).split(" "));
            }
        }
        docker.removeAll(node);
        try {
            docker.client().removeNetworkCmd("faas-egress-" + node).exec();
        } catch (NotFoundException gone) {
            // removed by the platform, as it should be
        }
        docker.close();
        DockerSupport.deleteRecursively(socketDirectory);
        DockerSupport.deleteRecursively(workDirectory);
    }

    @Test
    void threeRestarts_andAKill_leaveExactlyOneJumpPerChain_andACleanStopRemovesEverything() throws Exception {
        socketDirectory = DockerSupport.socketDirectory();
        workDirectory = Files.createTempDirectory("egress-restart");
        Map<String, String> environment = Map.of("FAAS_RUNTIME", "docker", "FAAS_NODE_ID", node, "FAAS_SOCKET_DIR",
                socketDirectory.toString(), "FAAS_DATA_DIR", workDirectory.resolve("data").toString(),
                "FAAS_PREWARM", "0", "FAAS_EGRESS", "on", "FAAS_EGRESS_DENY", "203.0.113.0/24");
        List<String> firstRules = null;
        for (int run = 1; run <= 3; run++) {
            server = ServerUnderTest.start(workDirectory, environment);
            String bridge = bridgeOf(node);
            assertThat(bridge).as("run %d: the egress network exists", run).isNotNull();
            assertThat(rulesOf("DOCKER-USER", bridge)).as("run %d: jumps from DOCKER-USER", run).hasSize(1);
            assertThat(rulesOf("INPUT", bridge)).as("run %d: jumps from INPUT", run).hasSize(1);
            String chain = rulesOf("DOCKER-USER", bridge).get(0).replaceAll(".* -j ", "");
            List<String> rules = Arrays.asList(iptables("-S", chain).split("\n"));
            assertThat(rules).as("the operator's deny list is in the chain")
                    .anyMatch(rule -> rule.contains("-d 203.0.113.0/24") && rule.contains("REJECT"));
            if (firstRules == null) {
                firstRules = rules;
            }
            // The host's addresses may differ by the egress bridge's own once it exists; nothing is ever twice.
            assertThat(rules).as("run %d: no rule twice", run).doesNotHaveDuplicates().containsAll(firstRules);
            assertThat(rules.size()).as("run %d: at most the bridge's address more", run)
                    .isBetween(firstRules.size(), firstRules.size() + 1);
            if (run == 2) {
                // No shutdown hook runs: the rules stay behind for the next start to take over.
                server.kill();
                assertThat(rulesOf("DOCKER-USER", bridge)).as("a killed node leaves its rules").hasSize(1);
            } else {
                assertThat(server.stop()).isIn(0, 143);
                assertThat(rulesOf("DOCKER-USER", bridge)).as("a clean stop removes the DOCKER-USER jump").isEmpty();
                assertThat(rulesOf("INPUT", bridge)).as("a clean stop removes the INPUT jump").isEmpty();
                assertThat(iptablesExit("-S", chain)).as("a clean stop deletes the chain").isNotZero();
                assertThat(bridgeOf(node)).as("a clean stop removes the network").isNull();
            }
            server.close();
            server = null;
        }
    }

    /** The bridge of the node's egress network, or null when there is none. */
    private String bridgeOf(String nodeId) {
        try {
            return docker.client().inspectNetworkCmd().withNetworkId("faas-egress-" + nodeId).exec().getOptions()
                    .get("com.docker.network.bridge.name");
        } catch (NotFoundException e) {
            return null;
        }
    }

    private static List<String> rulesOf(String chain, String bridge) throws Exception {
        return Arrays.stream(iptables("-S", chain).split("\n")).filter(rule -> rule.contains("-i " + bridge + " "))
                .toList();
    }

    private static String iptables(String... arguments) throws Exception {
        String[] command = new String[arguments.length + 2];
        command[0] = "iptables";
        command[1] = "-w";
        System.arraycopy(arguments, 0, command, 2, arguments.length);
        return NamespaceTestHost.run(command);
    }

    private static int iptablesExit(String... arguments) throws Exception {
        String[] command = new String[arguments.length + 2];
        command[0] = "iptables";
        command[1] = "-w";
        System.arraycopy(arguments, 0, command, 2, arguments.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor();
    }
}
