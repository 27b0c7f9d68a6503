package dev.faas.app.reliability;

import dev.faas.testkit.Closing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link ServerUnderTest} for a whole test class, from a static {@code @RegisterExtension} field: started with the
 * given variables in a work directory of its own before the class's {@code @BeforeAll} methods, closed after its
 * tests and its work directory deleted. Not thread-safe (one class at a time).
 */
public final class ServerForClass implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, String> environment;
    private Path workDirectory;
    private ServerUnderTest server;

    private ServerForClass(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** A server started with {@code environment} (over {@link ServerUnderTest}'s defaults). */
    public static ServerForClass with(Map<String, String> environment) {
        return new ServerForClass(environment);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        workDirectory = Files.createTempDirectory("server-for-class");
        server = ServerUnderTest.start(workDirectory, environment);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Closing.all(server, () -> DockerSupport.deleteRecursively(workDirectory));
    }

    public ServerUnderTest server() {
        return server;
    }

    /** The server's work directory, where a test may keep files of its own. */
    public Path workDirectory() {
        return workDirectory;
    }
}
