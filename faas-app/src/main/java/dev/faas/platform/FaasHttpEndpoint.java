package dev.faas.platform;

import dev.faas.adapter.jaxrs.AccessControl;
import dev.faas.adapter.jaxrs.ApiSettings;
import dev.faas.adapter.jaxrs.ApiUseCases;
import dev.faas.adapter.jaxrs.FaasHttpServer;
import dev.faas.adapter.jaxrs.FaasResourceConfig;
import dev.faas.adapter.memory.InMemoryApiKeyRepository;
import dev.faas.domain.access.ApiKeyService;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * The HTTP API of a {@link FaasPlatform}: the same resources the server runs, on a port of its own. Closing it stops
 * listening; the platform stays up. Thread-safe.
 */
public final class FaasHttpEndpoint implements AutoCloseable {

    private final FaasHttpServer server;
    private final URI baseUrl;

    private FaasHttpEndpoint(FaasHttpServer server, String bind) {
        this.server = server;
        this.baseUrl = URI.create("http://" + (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + server.port());
    }

    /**
     * Serves {@code platform} on {@code bind:port} (port 0: a free one) with default limits and no API keys yet
     * (keys created through {@code /admin/keys} live in memory).
     */
    public static FaasHttpEndpoint start(FaasPlatform platform, String bind, int port) {
        return start(platform, bind, port, ApiSettings.defaults().maxRequestBytes(), 64,
                new ApiKeyService(new InMemoryApiKeyRepository(), Clock.systemUTC()));
    }

    /**
     * Serves {@code platform} with the given request size limit and number of worker threads; once {@code apiKeys}
     * holds a key, every endpoint but {@code /healthz} and {@code /readyz} requires one.
     */
    public static FaasHttpEndpoint start(FaasPlatform platform, String bind, int port, int maxRequestBytes,
                                         int workerThreads, ApiKeyService apiKeys) {
        return start(platform, bind, port, maxRequestBytes, workerThreads, apiKeys, Duration.ZERO);
    }

    /**
     * As {@link #start(FaasPlatform, String, int, int, int, ApiKeyService)}; closing it then keeps answering 503
     * {@code shutting-down} for at least {@code drainTime}, so a load balancer notices before the port closes.
     */
    public static FaasHttpEndpoint start(FaasPlatform platform, String bind, int port, int maxRequestBytes,
                                         int workerThreads, ApiKeyService apiKeys, Duration drainTime) {
        ApiSettings settings = new ApiSettings(maxRequestBytes);
        FaasHttpServer server = FaasHttpServer.start(bind, port, workerThreads, drainTime, AccessControl.install(
                FaasResourceConfig.create(new ApiUseCases(platform.registerUseCase(), platform.invokeUseCase(),
                        platform.getUseCase(), platform.deleteUseCase(), platform.readiness()), platform.metrics(),
                        settings), apiKeys, apiKeys, settings));
        return new FaasHttpEndpoint(server, bind);
    }

    /** Such as {@code http://127.0.0.1:43117}, without a trailing slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
