package dev.faas.platform;

import dev.faas.adapter.jaxrs.ApiSettings;
import dev.faas.adapter.jaxrs.ApiUseCases;
import dev.faas.adapter.jaxrs.FaasHttpServer;
import dev.faas.adapter.jaxrs.FaasResourceConfig;
import dev.faas.adapter.jaxrs.metrics.FaasMetrics;
import dev.faas.domain.readiness.ReadinessService;
import java.net.URI;
import java.time.Duration;

/**
 * The HTTP API of a {@link FaasPlatform}: the same resources the server runs, on a port of its own. Closing it stops
 * listening; the platform stays up. Thread-safe.
 */
public final class FaasHttpEndpoint implements AutoCloseable {

    private final FaasHttpServer server;
    private final ReadinessService readiness;
    private final FaasMetrics metrics;
    private final URI baseUrl;

    private FaasHttpEndpoint(FaasHttpServer server, ReadinessService readiness, FaasMetrics metrics, String bind) {
        this.server = server;
        this.readiness = readiness;
        this.metrics = metrics;
        this.baseUrl = URI.create("http://" + (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + server.port());
    }

    /** Serves {@code platform} on {@code bind:port} (port 0: a free one) with default limits. */
    public static FaasHttpEndpoint start(FaasPlatform platform, String bind, int port) {
        return start(platform, bind, port, ApiSettings.defaults().maxRequestBytes(), 64);
    }

    /** Serves {@code platform} with the given request size limit and number of worker threads. */
    public static FaasHttpEndpoint start(FaasPlatform platform, String bind, int port, int maxRequestBytes,
                                         int workerThreads) {
        // Its metrics show the pool and the JVM; calls are counted only by an observer given to the platform.
        FaasMetrics metrics = new FaasMetrics().bindPool(platform.poolStatusUseCase());
        ReadinessService readiness = new ReadinessService(platform.repository(), platform.runtime(),
                Duration.ofSeconds(4));
        try {
            FaasHttpServer server = FaasHttpServer.start(bind, port, workerThreads, FaasResourceConfig.create(
                    new ApiUseCases(platform.registerUseCase(), platform.invokeUseCase(), platform.getUseCase(),
                            platform.deleteUseCase(), readiness), metrics, new ApiSettings(maxRequestBytes)));
            return new FaasHttpEndpoint(server, readiness, metrics, bind);
        } catch (RuntimeException e) {
            readiness.close();
            metrics.close();
            throw e;
        }
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
        readiness.close();
        metrics.close();
    }
}
