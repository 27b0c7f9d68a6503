package dev.faas.app;

import dev.faas.adapter.jaxrs.ApiSettings;
import dev.faas.adapter.jaxrs.ApiUseCases;
import dev.faas.adapter.jaxrs.FaasHttpServer;
import dev.faas.adapter.jaxrs.FaasResourceConfig;
import dev.faas.adapter.jaxrs.metrics.FaasMetrics;
import dev.faas.adapter.jdbi.JdbiFunctionRepository;
import dev.faas.adapter.jdbi.JdbiRepositoryConfig;
import dev.faas.domain.invocation.Invoker;
import dev.faas.domain.pool.InstancePool;
import dev.faas.domain.pool.PoolSettings;
import dev.faas.domain.readiness.ReadinessService;
import dev.faas.domain.reaping.Reaper;
import dev.faas.domain.reaping.ReaperPolicy;
import dev.faas.domain.registry.FunctionRegistry;
import dev.faas.domain.registry.LimitsPolicy;
import dev.faas.domain.registry.SandboxCodeCheck;
import dev.faas.ports.out.FunctionRepository;
import dev.faas.ports.out.FunctionRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server wired by hand: store, runtime, domain services and the HTTP front end. The one place that
 * builds adapters; {@link #close()} stops everything in reverse order, every instance included.
 */
public final class FaasServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaasServer.class);
    /** The longest {@code /readyz} waits for a check; the store's own timeouts (3 s) come first. */
    static final Duration READINESS_DEADLINE = Duration.ofSeconds(4);

    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final FaasHttpServer http;
    private final FunctionRuntime runtime;
    private final InstancePool pool;

    private FaasServer(FaasConfig config, FunctionRepository repository, FunctionRuntime runtime) {
        this.runtime = runtime;
        Clock clock = Clock.systemUTC();
        LimitsPolicy limits = LimitsPolicy.defaults();
        pool = new InstancePool(runtime, new PoolSettings(config.maxInstances(), config.queueTimeout(),
                config.maxQueuedCalls(), config.prewarm(), limits.defaultMemoryMb()), clock);
        closeables.push(pool);
        FaasMetrics metrics = new FaasMetrics().bindPool(pool);
        closeables.push(metrics);
        Invoker invoker = new Invoker(repository, runtime, pool, metrics.invocationObserver());
        FunctionRegistry registry = new FunctionRegistry(repository, limits, clock, new SandboxCodeCheck(runtime),
                invoker::forget);
        ReadinessService readiness = new ReadinessService(repository, runtime, READINESS_DEADLINE);
        closeables.push(readiness);
        closeables.push(new Reaper(pool, new ReaperPolicy(config.deleteAfter()), clock)
                .start(config.cleanupInterval()));
        http = FaasHttpServer.start(config.bind(), config.port(), config.httpThreads(),
                FaasResourceConfig.create(new ApiUseCases(registry, invoker, registry, registry, readiness), metrics,
                        new ApiSettings(config.maxRequestBytes())));
        closeables.push(http);
    }

    /** Opens the store, starts the runtime and listens, as configured. */
    public static FaasServer start(FaasConfig config) {
        FunctionRepository repository = openRepository(config);
        RuntimeSelection.Selected selected;
        try {
            selected = RuntimeSelection.create(config);
        } catch (RuntimeException e) {
            closeQuietly(repository);
            throw e;
        }
        FaasServer server = start(config, repository, selected.runtime());
        server.closeables.addLast(selected.client());
        return server;
    }

    /** Starts with the given store and runtime, which the server closes when it closes. */
    public static FaasServer start(FaasConfig config, FunctionRepository repository, FunctionRuntime runtime) {
        try {
            FaasServer server = new FaasServer(config, repository, runtime);
            server.closeables.addLast(runtime);
            server.closeables.addLast(() -> closeQuietly(repository));
            return server;
        } catch (RuntimeException e) {
            runtime.close();
            closeQuietly(repository);
            throw e;
        }
    }

    static FunctionRepository openRepository(FaasConfig config) {
        String url = config.dbUrl() != null ? config.dbUrl() : JdbiRepositoryConfig.h2FileUrl(config.dataDir());
        return JdbiFunctionRepository.open(
                new JdbiRepositoryConfig(url, config.dbUser(), config.dbPassword(), 10, Duration.ofSeconds(3)));
    }

    public int port() {
        return http.port();
    }

    public FunctionRuntime runtime() {
        return runtime;
    }

    public InstancePool pool() {
        return pool;
    }

    @Override
    public void close() {
        // http first (no new calls), then the pool and reaper, then the runtime kills what is left, then the store.
        while (!closeables.isEmpty()) {
            AutoCloseable next = closeables.pop();
            try {
                next.close();
            } catch (Exception e) {
                LOG.warn("error while shutting down: {}", e.getMessage());
            }
        }
    }

    private static void closeQuietly(Object resource) {
        if (resource instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("error while closing {}: {}", resource, e.getMessage());
            }
        }
    }
}
