package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's idle reaping: with DELETE_AFTER=2s and CLEANUP_INTERVAL=1s idle runners go away by themselves. */
class ReapingEndToEndTest {

    @TempDir
    Path dataDir;

    @Test
    void idleRunner_isReapedWithinSeconds_andTheNextCallStartsANewOne() throws Exception {
        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "DELETE_AFTER", "2s",
                "CLEANUP_INTERVAL", "1s", "FAAS_PREWARM", "0", "FAAS_DATA_DIR", dataDir.toString()));
        try (FaasServer server = FaasServer.start(config, new InMemoryFunctionRepository(),
                new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(dataDir.resolve("instances"))))) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            http.post("/register", "{\"name\":\"hello\",\"code\":\"def user_function():\\n    return 1\"}");
            assertThat(http.post("/invoke", "{\"name\":\"hello-1\"}").body()).isEqualTo("{\"result\":1}");
            assertThat(server.runtime().running()).hasSize(1);

            // Reaped within seconds: DELETE_AFTER 2 s plus a CLEANUP_INTERVAL of 1 s, with room to spare.
            await("the idle runner reaped").atMost(Duration.ofSeconds(8))
                    .untilAsserted(() -> assertThat(server.runtime().running()).isEmpty());
            HttpResponse<String> next = http.post("/invoke", "{\"name\":\"hello-1\"}");
            assertThat(next.body()).isEqualTo("{\"result\":1}");
            assertThat(next.headers().firstValue("X-Faas-Start")).contains("cold");
        }
    }
}
