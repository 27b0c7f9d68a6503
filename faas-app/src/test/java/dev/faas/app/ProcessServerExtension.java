package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server for the HTTP API's end-to-end tests: an in-memory store, functions run as real python3 processes, no
 * pre-warming, a 2 s queue timeout, a data directory of its own. Started once per test class from a static
 * {@code @RegisterExtension} field (before the class's {@code @BeforeAll} methods); stopped after its tests, when
 * no function process may be left running.
 */
final class ProcessServerExtension implements BeforeAllCallback, AfterAllCallback {

    private Path dataDir;
    private FaasServer server;
    private HttpClientSupport http;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("faas-e2e");
        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "FAAS_QUEUE_TIMEOUT", "2s",
                "FAAS_PREWARM", "0", "FAAS_DATA_DIR", dataDir.toString()));
        server = FaasServer.start(config, new InMemoryFunctionRepository(),
                new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(dataDir.resolve("instances"))));
        http = new HttpClientSupport(server.port());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            server.close();
            assertThat(server.runtime().running()).isEmpty();
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(ProcessServerExtension::delete);
            }
        }
    }

    FaasServer server() {
        return server;
    }

    HttpClientSupport http() {
        return http;
    }

    Path dataDir() {
        return dataDir;
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
