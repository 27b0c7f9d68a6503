package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link AsyncDeliveryScenarios} with functions run as local python3 processes, each appending the call's token to a
 * journal file itself; and calls queued while every node is down run once a node is back. The same scenarios on
 * Docker, where a sandboxed function cannot write a host file, are {@link AsyncDeliveryDockerTest}.
 */
@Tag("postgres")
@Tag("reliability")
class AsyncDeliverySuiteTest extends AsyncDeliveryScenarios {

    private static final String JOURNALING = """
            import os, time
            def user_function(token, journal, seconds=0.0):
                fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(fd, (token + "\\n").encode())
                finally:
                    os.close(fd)
                time.sleep(seconds)
                return token
            """;

    @Override
    String nodeId(String letter) {
        return "node-" + letter;
    }

    @Override
    Map<String, String> runtimeEnvironment(String nodeId) {
        return Map.of("FAAS_RUNTIME", "process");
    }

    @Override
    String registerJournaling(Api api, String name) {
        return api.register(name, JOURNALING);
    }

    @Override
    String callParams(String token, Path journal, double seconds) {
        return "{\"token\":\"" + token + "\",\"journal\":\"" + journal + "\",\"seconds\":" + seconds + "}";
    }

    @Test
    void callsQueuedWhileEveryNodeIsDown_runOnceANodeIsBack() throws Exception {
        postgres.start();
        Path journal = workDirectory.resolve("journal-restart.txt");
        List<String> tokens = new ArrayList<>();
        // A node with a single slot, queued calls that take a while: most are still queued when it stops.
        Map<String, String> slow = Map.of("FAAS_MAX_INSTANCES", "1", "FAAS_ASYNC_SHARE", "100");
        String id;
        try (ServerUnderTest a = node("node-a", slow)) {
            Api api = new Api(a.port());
            id = api.register("survivor", JOURNALING);
            for (int i = 0; i < 20; i++) {
                String token = "restart-" + i;
                tokens.add(token);
                submitOne(api, id, token, journal, 0.3);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> lines(journal) >= 1);
            a.stop();
        }
        int queued = count("SELECT COUNT(*) FROM activations WHERE status = 'queued'");
        figure(queued + " of 20 calls still queued when the only node stopped");
        assertThat(queued).isPositive();

        try (ServerUnderTest b = node("node-b")) {
            awaitAllEnded(Duration.ofMinutes(2));
            Map<String, Long> runs = runs(journal);
            assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(tokens);
            assertThat(runs.values()).allMatch(count -> count <= MAX_ATTEMPTS);
            assertThat(rows().values()).allSatisfy(row -> assertThat(row.status()).isEqualTo("succeeded"));
        } finally {
            printFigures();
        }
    }
}
