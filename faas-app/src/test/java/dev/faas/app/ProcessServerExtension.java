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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server for the HTTP API's end-to-end tests: an in-memory store (or the embedded H2 one, by
 * {@link #withEmbeddedStore}), functions run as real python3 processes, no pre-warming, a 2 s queue timeout, a data
 * directory of its own; other settings by {@link #with}. Started once per
 * test class from a static {@code @RegisterExtension} field (before the class's {@code @BeforeAll} methods); stopped
 * after its tests, when no function process may be left running.
 */
final class ProcessServerExtension implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, String> environment = new LinkedHashMap<>(Map.of("FAAS_PORT", "0",
            "FAAS_QUEUE_TIMEOUT", "2s", "FAAS_PREWARM", "0"));
    private boolean embeddedStore;
    private Path dataDir;
    private FaasServer server;
    // Made now so that a test class can keep it in a static field; it asks for the port only when it sends.
    private final HttpClientSupport http = new HttpClientSupport(() -> server.port());

    /** The server's environment gets {@code name=value} besides the settings above (and over them). */
    ProcessServerExtension with(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** The server keeps its functions and activations in the embedded H2 database in its data directory. */
    ProcessServerExtension withEmbeddedStore() {
        embeddedStore = true;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("faas-e2e");
        Map<String, String> settings = new LinkedHashMap<>(environment);
        settings.put("FAAS_DATA_DIR", dataDir.toString());
        if (embeddedStore) {
            settings.put("FAAS_RUNTIME", "process");
            server = FaasServer.start(FaasConfig.fromEnvironment(settings));
        } else {
            server = FaasServer.start(FaasConfig.fromEnvironment(settings), new InMemoryFunctionRepository(),
                    new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(dataDir.resolve("instances"))));
        }
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

    /** A client for the server, usable before the server starts (it looks the port up on each request). */
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
