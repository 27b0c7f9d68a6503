package dev.faas.adapter.jaxrs;

import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test's own resources behind {@link AccessControl}, with the health endpoint and the problem mapper, served over
 * real HTTP on loopback with keys held by a {@link FakeApiKeys}; closed after each test. Register one in an instance
 * {@code @RegisterExtension} field. Used by one test at a time, so not thread-safe.
 */
final class GuardedServer implements AfterEachCallback {

    private final FakeApiKeys keys = new FakeApiKeys();
    private FaasHttpServer server;

    /** The keys the server accepts; add some before {@link #start} to turn authentication on. */
    FakeApiKeys keys() {
        return keys;
    }

    /** Starts serving {@code components} (resources, filters) on a free loopback port. */
    void start(Object... components) {
        ResourceConfig application = new ResourceConfig();
        for (Object component : components) {
            application.register(component);
        }
        application.register(new HealthResource());
        application.register(new ProblemMapper());
        application.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        application.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        AccessControl.install(application, keys, keys, ApiSettings.defaults());
        server = FaasHttpServer.start("127.0.0.1", 0, 4, application);
    }

    int port() {
        return server.port();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
