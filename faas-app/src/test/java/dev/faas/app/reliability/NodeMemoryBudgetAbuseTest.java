package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.faas.testkit.RequiresDocker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many calls of large functions at once on a node with a small memory budget: the memory limits of its running
 * containers, read from the engine while the calls run, never add up to more than {@code FAAS_NODE_MEMORY_MB}, and
 * every call either succeeds or is refused with 429.
 */
@Tag("docker")
@Tag("reliability")
@RequiresDocker
class NodeMemoryBudgetAbuseTest {

    private static final long BUDGET_MB = 1024;
    private static final long MB = 1024 * 1024;
    private static final Pattern RESERVED = Pattern.compile("(?m)^faas_node_memory_reserved_bytes (\\S+)$");
    private static final String SLEEPER = "import time\ndef user_function():\n    time.sleep(1)\n    return 'done'\n";

    @TempDir
    Path workDirectory;

    @Test
    void eightParallelCallsOf512MbFunctions_onA1024MbNode_neverRunMoreThanTheBudget() throws Exception {
        String node = DockerSupport.uniqueNode("rmem");
        Path socketDirectory = DockerSupport.socketDirectory();
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicLong maxContainerMemory = new AtomicLong();
        AtomicLong maxReported = new AtomicLong();
        List<String> overBudget = new ArrayList<>();
        Map<String, Long> limits = new ConcurrentHashMap<>();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try (DockerSupport docker = DockerSupport.require();
             ServerUnderTest server = ServerUnderTest.start(workDirectory, Map.of("FAAS_RUNTIME", "docker",
                     "FAAS_NODE_ID", node, "FAAS_SOCKET_DIR", socketDirectory.toString(),
                     "FAAS_NODE_MEMORY_MB", Long.toString(BUDGET_MB), "FAAS_PREWARM", "1",
                     "FAAS_QUEUE_TIMEOUT", "30s"))) {
            Api api = new Api(server.port());
            List<String> ids = List.of(api.register("biga", SLEEPER, Map.of("memoryMb", 512)),
                    api.register("bigb", SLEEPER, Map.of("memoryMb", 512)));
            Thread watcher = new Thread(() -> {
                while (watching.get()) {
                    List<String> running = new ArrayList<>();
                    long sum = 0;
                    for (Container container : docker.running(node)) {
                        Long limit = limits.computeIfAbsent(container.getId(), id -> memoryLimit(docker, id));
                        sum += limit;
                        running.add(container.getId().substring(0, 12) + "=" + limit / MB + "MB");
                    }
                    maxContainerMemory.accumulateAndGet(sum, Math::max);
                    if (sum > BUDGET_MB * MB) {
                        synchronized (overBudget) {
                            overBudget.add(running.toString());
                        }
                    }
                    Matcher reserved = RESERVED.matcher(api.get("/metrics").body());
                    if (reserved.find()) {
                        maxReported.accumulateAndGet((long) Double.parseDouble(reserved.group(1)), Math::max);
                    }
                }
            }, "memory-watcher");
            watcher.start();

            List<Future<Api.Reply>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String id = ids.get(i % 2);
                calls.add(callers.submit(() -> api.invoke(id)));
            }
            List<Api.Reply> replies = new ArrayList<>();
            for (Future<Api.Reply> call : calls) {
                replies.add(call.get(120, TimeUnit.SECONDS));
            }
            watching.set(false);
            watcher.join(10_000);

            System.out.println("memory budget " + BUDGET_MB + " MB: running containers' limits peaked at "
                    + maxContainerMemory.get() / MB + " MB, the server reported at most " + maxReported.get() / MB
                    + " MB reserved; answers " + replies.stream().map(Api.Reply::status).toList());
            assertThat(overBudget).as("moments when the running containers' limits exceeded the budget").isEmpty();
            assertThat(maxContainerMemory.get()).isLessThanOrEqualTo(BUDGET_MB * MB)
                    .as("two 512 MB instances ran at once").isGreaterThan(512 * MB);
            assertThat(maxReported.get()).isLessThanOrEqualTo(BUDGET_MB * MB);
            for (Api.Reply reply : replies) {
                if (reply.status() == 429) {
                    reply.problem(429, "capacity-exceeded");
                } else {
                    assertThat(reply.result().asText()).isEqualTo("done");
                }
            }
            assertThat(replies).filteredOn(reply -> reply.status() == 200).isNotEmpty();
        } finally {
            watching.set(false);
            callers.shutdownNow();
            try (DockerSupport cleanup = DockerSupport.require()) {
                cleanup.removeAll(node);
            }
            DockerSupport.deleteRecursively(socketDirectory);
        }
    }

    /** The container's memory limit in bytes; 0 for one removed meanwhile. */
    private static long memoryLimit(DockerSupport docker, String containerId) {
        try {
            Long memory = docker.client().inspectContainerCmd(containerId).exec().getHostConfig().getMemory();
            return memory == null ? 0 : memory;
        } catch (NotFoundException gone) {
            return 0;
        }
    }
}
