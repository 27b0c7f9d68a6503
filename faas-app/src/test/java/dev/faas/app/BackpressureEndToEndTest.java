package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood beyond capacity and queue: every call is answered, with its result or a 429 carrying Retry-After; no
 * timeouts, no 5xx, and the queue never holds more than its bound.
 */
class BackpressureEndToEndTest {

    @TempDir
    Path dataDir;

    @Test
    void floodBeyondCapacityAndQueue_getsResultsOr429WithRetryAfter() throws Exception {
        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "FAAS_PREWARM", "0",
                "FAAS_MAX_INSTANCES", "2", "FAAS_MAX_QUEUE", "4", "FAAS_QUEUE_TIMEOUT", "2s",
                "FAAS_DATA_DIR", dataDir.toString()));
        try (FaasServer server = FaasServer.start(config, new InMemoryFunctionRepository(),
                new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(dataDir.resolve("instances"))))) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            String registered = http.post("/register", "{\"name\":\"slow\",\"code\":\"import time\\n"
                    + "def user_function():\\n    time.sleep(0.3)\\n    return 'done'\"}").body();
            String id = new ObjectMapper().readTree(registered).get("result").asText();

            ExecutorService callers = Executors.newFixedThreadPool(40);
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> http.post("/invoke", "{\"name\":\"" + id + "\"}"),
                        callers));
            }
            // Sampled until every call is answered: the deepest queue seen on the way.
            AtomicInteger deepestQueue = new AtomicInteger();
            await("every call answered").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
                deepestQueue.accumulateAndGet(server.pool().queuedCalls(), Math::max);
                return calls.stream().allMatch(CompletableFuture::isDone);
            });
            int maxQueued = deepestQueue.get();
            callers.shutdown();
            List<HttpResponse<String>> responses = calls.stream().map(CompletableFuture::join).toList();

            List<HttpResponse<String>> ok = responses.stream().filter(r -> r.statusCode() == 200).toList();
            List<HttpResponse<String>> refused = responses.stream().filter(r -> r.statusCode() == 429).toList();
            assertThat(ok.size() + refused.size()).as("every call answered with a result or a 429").isEqualTo(40);
            assertThat(ok).isNotEmpty().allSatisfy(r -> assertThat(r.body()).isEqualTo("{\"result\":\"done\"}"));
            assertThat(refused).isNotEmpty().allSatisfy(r -> {
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                assertThat(r.body()).contains("urn:faas:problem:capacity-exceeded");
            });
            assertThat(maxQueued).isLessThanOrEqualTo(4);
            assertThat(server.pool().instanceCount()).isLessThanOrEqualTo(2);
        }
    }
}
