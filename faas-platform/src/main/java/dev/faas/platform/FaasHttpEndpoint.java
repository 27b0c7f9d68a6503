package dev.faas.platform;

import dev.faas.adapter.jaxrs.AccessControl;
import dev.faas.adapter.jaxrs.Dashboard;
import dev.faas.adapter.jaxrs.ApiSettings;
import dev.faas.adapter.jaxrs.ApiUseCases;
import dev.faas.adapter.jaxrs.FaasHttpServer;
import dev.faas.adapter.jaxrs.FaasResourceConfig;
import dev.faas.adapter.jaxrs.InvokeFastPath;
import dev.faas.adapter.jaxrs.LoopbackAddresses;
import dev.faas.adapter.jaxrs.TlsCredentials;
import dev.faas.adapter.jaxrs.metrics.FaasMetrics;
import dev.faas.adapter.memory.InMemoryApiKeyRepository;
import dev.faas.domain.access.ApiKeyService;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * The HTTP API of a {@link FaasPlatform}: the same resources the server runs, on a port of its own. Closing it stops
 * listening; the platform stays up. Like the server, an endpoint without API keys listens on a loopback address only
 * unless told otherwise ({@link Builder#allowUnauthenticated}). Thread-safe.
 */
public final class FaasHttpEndpoint implements AutoCloseable {

    private final FaasHttpServer server;
    private final FaasPlatform platform;
    private final FaasMetrics metrics;
    private final URI baseUrl;

    private FaasHttpEndpoint(FaasHttpServer server, FaasPlatform platform, FaasMetrics metrics, String bind,
                             boolean https) {
        this.server = server;
        this.platform = platform;
        this.metrics = metrics;
        this.baseUrl = URI.create((https ? "https" : "http") + "://" + (bind.contains(":") ? "[" + bind + "]" : bind)
                + ":" + server.port());
    }

    /**
     * Serves {@code platform} on {@code bind:port} (port 0: a free one) with default limits and no API keys yet
     * (keys created through {@code /admin/keys} live in memory).
     *
     * @throws IllegalArgumentException if {@code bind} is not a loopback address (see {@link Builder#start()})
     */
    public static FaasHttpEndpoint start(FaasPlatform platform, String bind, int port) {
        return builder(platform).bind(bind).port(port).start();
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
        return builder(platform).bind(bind).port(port).maxRequestBytes(maxRequestBytes).workerThreads(workerThreads)
                .apiKeys(apiKeys).drainTime(drainTime).start();
    }

    /** An endpoint for {@code platform}: on 127.0.0.1, a free port, plain HTTP, no API key, default limits. */
    public static Builder builder(FaasPlatform platform) {
        return new Builder(platform);
    }

    /** Such as {@code http://127.0.0.1:43117}, without a trailing slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    public int port() {
        return server.port();
    }

    /** The meters this endpoint serves at {@code /metrics}: the platform's calls, pool and JVM. */
    public FaasMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        server.close();
        platform.removeObserver(metrics.invocationObserver());
        metrics.close();
    }

    /** How to serve a platform over HTTP. Not thread-safe; {@link #start()} may be called more than once. */
    public static final class Builder {

        private final FaasPlatform platform;
        private String bind = "127.0.0.1";
        private int port;
        private int maxRequestBytes = ApiSettings.defaults().maxRequestBytes();
        private int workerThreads = 64;
        private ApiKeyService apiKeys;
        private Duration drainTime = Duration.ZERO;
        private boolean allowUnauthenticated;
        private SSLContext tls;

        private Builder(FaasPlatform platform) {
            this.platform = Objects.requireNonNull(platform, "platform");
        }

        /** The address to listen on (default 127.0.0.1). */
        public Builder bind(String bind) {
            this.bind = Objects.requireNonNull(bind, "bind");
            return this;
        }

        /** The port (default 0: a free one). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder maxRequestBytes(int maxRequestBytes) {
            this.maxRequestBytes = maxRequestBytes;
            return this;
        }

        public Builder workerThreads(int workerThreads) {
            this.workerThreads = workerThreads;
            return this;
        }

        /**
         * The API keys (default: a store of its own in memory, empty). Once it holds a key, every endpoint but
         * {@code /healthz} and {@code /readyz} requires one.
         */
        public Builder apiKeys(ApiKeyService apiKeys) {
            this.apiKeys = Objects.requireNonNull(apiKeys, "apiKeys");
            return this;
        }

        /** On close, how long to keep answering 503 {@code shutting-down} before the port closes (default 0). */
        public Builder drainTime(Duration drainTime) {
            this.drainTime = Objects.requireNonNull(drainTime, "drainTime");
            return this;
        }

        /**
         * Whether a non-loopback {@link #bind} is allowed while no API key is configured (default false): every
         * caller that reaches the port may then register, run and delete functions.
         */
        public Builder allowUnauthenticated(boolean allowUnauthenticated) {
            this.allowUnauthenticated = allowUnauthenticated;
            return this;
        }

        /** Serve HTTPS only, with the PEM certificate chain and private key of these files (see {@link TlsCredentials}). */
        public Builder tls(Path certificateFile, Path keyFile) {
            return tls(TlsCredentials.sslContext(certificateFile, keyFile));
        }

        /** Serve HTTPS only, with this context; null: plain HTTP. */
        public Builder tls(SSLContext tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Starts listening.
         *
         * @throws IllegalArgumentException if no API key is configured, {@link #bind} is not a loopback address
         *                                  ({@code localhost}, 127.0.0.0/8, {@code ::1}) and
         *                                  {@link #allowUnauthenticated} was not set
         */
        public FaasHttpEndpoint start() {
            ApiKeyService keys = apiKeys != null ? apiKeys
                    : new ApiKeyService(new InMemoryApiKeyRepository(), Clock.systemUTC());
            if (!allowUnauthenticated && !LoopbackAddresses.isLoopback(bind) && !keys.anyKeyConfigured()) {
                throw new IllegalArgumentException("binding " + bind + " would expose the API beyond this machine,"
                        + " but no API key is configured: bind a loopback address, add a key to the ApiKeyService"
                        + " given to apiKeys(...), or call allowUnauthenticated(true) to allow every request from the"
                        + " network");
            }
            ApiSettings settings = new ApiSettings(maxRequestBytes);
            // Micrometer is built here, with the HTTP API that serves it, never by the library alone.
            FaasMetrics metrics = new FaasMetrics().bindPool(platform.pool()).bindNode(platform.nodeId())
                    .bindActivations(platform::activationStats);
            FaasHttpServer server;
            try {
                ApiUseCases useCases = new ApiUseCases(platform.registerUseCase(), platform.invokeUseCase(),
                        platform.getUseCase(), platform.deleteUseCase(), platform.readiness(),
                        platform.runtimesUseCase(), platform.invokeAsyncUseCase(), platform.activationsUseCase(),
                        platform.schedulesUseCase());
                server = FaasHttpServer.start(bind, port, workerThreads, drainTime, Dashboard.install(
                        AccessControl.install(FaasResourceConfig.addSecrets(FaasResourceConfig.create(useCases,
                                metrics, settings), platform.secretsUseCase(), settings), keys, keys, settings),
                        platform.statisticsUseCase()), tls, InvokeFastPath.of(useCases, keys, settings));
            } catch (RuntimeException e) {
                metrics.close();
                throw e;
            }
            platform.addObserver(metrics.invocationObserver());
            return new FaasHttpEndpoint(server, platform, metrics, bind, tls != null);
        }
    }
}
