package dev.faas.adapter.jaxrs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The Grizzly HTTP server hosting the Jersey application. Calls block while a function runs, so the worker pool is
 * sized for concurrent calls, not for CPU cores.
 */
public final class FaasHttpServer implements AutoCloseable {

    /** Requests that may wait for a worker thread, per thread, before new ones are refused. */
    static final int QUEUED_REQUESTS_PER_THREAD = 16;

    private final HttpServer server;

    private FaasHttpServer(HttpServer server) {
        this.server = server;
    }

    /** Starts listening on {@code bind:port} (port 0 picks a free port) with {@code workerThreads} workers. */
    public static FaasHttpServer start(String bind, int port, int workerThreads, ResourceConfig application) {
        URI uri = URI.create("http://" + (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + port + "/");
        HttpServer server = GrizzlyHttpServerFactory.createHttpServer(uri, application, false);
        for (NetworkListener listener : server.getListeners()) {
            listener.registerAddOn(new H2cUpgradeIgnoringAddOn());
            listener.getTransport().setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                    .setPoolName("faas-http")
                    .setCorePoolSize(Math.min(8, workerThreads))
                    .setMaxPoolSize(workerThreads)
                    // Bounded, so a flood of connections cannot queue without limit; past it Grizzly drops them.
                    .setQueueLimit(workerThreads * QUEUED_REQUESTS_PER_THREAD));
        }
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        return new FaasHttpServer(server);
    }

    /** The port actually bound. */
    public int port() {
        return server.getListeners().iterator().next().getPort();
    }

    @Override
    public void close() {
        try {
            server.shutdown().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            server.shutdownNow();
        }
    }
}
