package dev.faas.app.ui;

import dev.faas.app.reliability.ServerForClass;
import dev.faas.app.reliability.ServerUnderTest;
import dev.faas.testkit.Closing;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The dashboard's browser tests' fixture, from a static {@code @RegisterExtension} field: a server for the whole
 * class ({@link ServerForClass}) and a headless Chromium ({@link Browser}) with its profile in the server's work
 * directory; the browser is closed before the server.
 */
final class DashboardInBrowser implements BeforeAllCallback, AfterAllCallback {

    private final ServerForClass server;
    private Browser browser;

    private DashboardInBrowser(ServerForClass server) {
        this.server = server;
    }

    /** A server started with {@code environment}, and a browser. */
    static DashboardInBrowser against(Map<String, String> environment) {
        return new DashboardInBrowser(ServerForClass.with(environment));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server.beforeAll(context);
        browser = Browser.start(Files.createDirectories(server.workDirectory().resolve("chromium-profile")));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Closing.all(browser, () -> server.afterAll(context));
    }

    ServerUnderTest server() {
        return server.server();
    }

    Browser browser() {
        return browser;
    }
}
