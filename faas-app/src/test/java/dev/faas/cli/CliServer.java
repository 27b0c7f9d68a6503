package dev.faas.cli;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import dev.faas.app.FaasConfig;
import dev.faas.app.FaasServer;
import dev.faas.ports.out.FunctionRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server for the CLI's tests and the CLI run in-process against it, as a shell user runs it: an in-memory store,
 * functions run as real python3 processes unless another runtime is given, no pre-warming. Register it in a static
 * {@code @RegisterExtension} field; it starts before the class's tests and stops after them. Its data directory is
 * the test class's own static {@code @TempDir}, which JUnit fills in before this extension's {@code beforeAll}.
 */
final class CliServer implements BeforeAllCallback, AfterAllCallback {

    /** What one run of the CLI did: its exit status and everything it printed. */
    record Run(int status, String out, String err) {
    }

    private final Supplier<Path> dataDir;
    private final Map<String, String> environment = new LinkedHashMap<>(Map.of("FAAS_PORT", "0", "FAAS_PREWARM", "0"));
    private Supplier<FunctionRuntime> runtime;
    private FaasServer server;
    private String url;

    /** A server keeping its data in the directory {@code dataDir} names once the class's tests are about to start. */
    CliServer(Supplier<Path> dataDir) {
        this.dataDir = dataDir;
    }

    /** The server's environment gets {@code name=value} besides its defaults (and over them). */
    CliServer with(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** The server runs functions in what {@code runtime} makes instead of python3 processes. */
    CliServer withRuntime(Supplier<FunctionRuntime> runtime) {
        this.runtime = runtime;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Path directory = dataDir.get();
        Map<String, String> settings = new LinkedHashMap<>(environment);
        settings.put("FAAS_DATA_DIR", directory.toString());
        server = FaasServer.start(FaasConfig.fromEnvironment(settings), new InMemoryFunctionRepository(),
                runtime != null ? runtime.get()
                        : new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(directory.resolve("instances"))));
        url = "http://127.0.0.1:" + server.port();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }

    /** The server's base URL, for {@code --url}. */
    String url() {
        return url;
    }

    /** {@code faas --url <this server> args...}. */
    Run run(String... args) {
        String[] withUrl = new String[args.length + 2];
        withUrl[0] = "--url";
        withUrl[1] = url;
        System.arraycopy(args, 0, withUrl, 2, args.length);
        return runWithoutUrl(withUrl);
    }

    /** {@code faas args...}, for a test that places {@code --url} itself or leaves it out. */
    Run runWithoutUrl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = FaasCli.run(() -> { }, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }
}
