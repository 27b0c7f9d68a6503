package dev.faas.app.reliability;

import static org.awaitility.Awaitility.await;

import dev.faas.testkit.RequiresDocker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/**
 * {@link AsyncDeliveryScenarios} on real Docker: the functions run in the sandbox, which cannot write a host file, so
 * each counts its own run by calling out. Their versions ask for {@code "network": "egress"} (the nodes run with
 * {@code FAAS_EGRESS=on} and {@code FAAS_EGRESS_ALLOW} naming only the test host's /24) and, as they start, POST the
 * call's token to a recording server on a test host this test creates (a network namespace on this machine with a
 * TEST-NET-3 address, see {@link NamespaceTestHost}), which appends it to the journal the test reads. Nothing leaves
 * the machine. A call whose marker cannot be posted fails, so a lost marker shows as a failed call, never as a
 * silent undercount. Egress versions never take a pre-warmed instance: each function's instances start cold.
 */
@Tag("docker")
@Tag("postgres")
@Tag("reliability")
@RequiresDocker
class AsyncDeliveryDockerTest extends AsyncDeliveryScenarios {

    private static final String PREFIX = "203.0.113";
    private static final String MARKING = """
            import time, urllib.request
            def user_function(token, marker, seconds=0.0):
                request = urllib.request.Request(marker + token, data=b"", method="POST")
                with urllib.request.urlopen(request, timeout=30) as reply:
                    if reply.read() != b"ok":
                        raise RuntimeError("the recorder did not take the marker")
                time.sleep(seconds)
                return token
            """;

    private final Map<String, String> nodes = new HashMap<>();
    private DockerSupport docker;
    private Path socketDirectory;
    private Path currentJournal;
    private NamespaceTestHost recorder;

    @BeforeEach
    void startDocker() throws Exception {
        docker = DockerSupport.forClass();
        socketDirectory = DockerSupport.socketDirectory();
    }

    @AfterEach
    void stopRecorder() throws Exception {
        try {
            if (recorder != null) {
                recorder.close();
            }
        } finally {
            docker.close();
            DockerSupport.deleteRecursively(socketDirectory);
        }
    }

    @Override
    String nodeId(String letter) {
        return nodes.computeIfAbsent(letter, ignored -> DockerSupport.uniqueNode("as" + letter));
    }

    @Override
    Map<String, String> runtimeEnvironment(String nodeId) {
        return Map.of("FAAS_RUNTIME", "docker",
                "FAAS_SOCKET_DIR", socketDirectory.toString(),
                "FAAS_EGRESS", "on",
                "FAAS_EGRESS_ALLOW", PREFIX + ".0/24",
                // Room for an instance of every function and a few more, so calls seldom evict one another's.
                "FAAS_MAX_INSTANCES", "40",
                "FAAS_ASYNC_SHARE", "30");
    }

    @Override
    String registerJournaling(Api api, String name) {
        return api.post("/register", Api.JSON.createObjectNode().put("name", name).put("code", MARKING)
                .put("network", "egress").toString()).result().asText();
    }

    @Override
    String callParams(String token, Path journal, double seconds) {
        return Api.JSON.createObjectNode().put("token", token).put("marker", recorderFor(journal).url())
                .put("seconds", seconds).toString();
    }

    /** The recording test host of this test, created on first use with the test's journal. */
    private synchronized NamespaceTestHost recorderFor(Path journal) {
        if (recorder == null) {
            try {
                recorder = NamespaceTestHost.recording("r", PREFIX, journal);
                currentJournal = journal;
            } catch (Exception e) {
                throw new AssertionError("could not create the recording test host", e);
            }
        }
        if (!journal.equals(currentJournal)) {
            throw new AssertionError("one journal per test: " + currentJournal + ", then " + journal);
        }
        return recorder;
    }

    /**
     * A node killed with SIGKILL left its containers, egress network and host rules behind: the same node id sweeps
     * the containers when it starts again, and removes the network and rules when it then stops cleanly. Then
     * whatever containers of the node are left (after a failure) are removed.
     */
    @Override
    void cleanUp(String nodeId, boolean killed) throws Exception {
        if (killed) {
            try (ServerUnderTest again = node(nodeId)) {
                // Listening is not enough: SIGTERM before the shutdown hook is in place would skip the clean-up.
                await("the restarted node ready").atMost(Duration.ofSeconds(60))
                        .until(() -> again.log().contains("faas listening"));
                again.stop();
            }
        }
        docker.removeAll(nodeId);
    }
}
