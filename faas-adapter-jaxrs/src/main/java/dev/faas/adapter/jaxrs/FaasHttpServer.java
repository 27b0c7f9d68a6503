package dev.faas.adapter.jaxrs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpHandlerRegistration;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.ServerConfiguration;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
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

    /** How long stopping waits for requests in progress before it cuts them off. */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final HttpServer server;
    private final DrainingHttpHandler handler;
    private final Duration drainTime;

    private FaasHttpServer(HttpServer server, DrainingHttpHandler handler, Duration drainTime) {
        this.server = server;
        this.handler = handler;
        this.drainTime = drainTime;
    }

    /** Starts listening on {@code bind:port} (port 0 picks a free port) with {@code workerThreads} workers. */
    public static FaasHttpServer start(String bind, int port, int workerThreads, ResourceConfig application) {
        return start(bind, port, workerThreads, Duration.ZERO, application);
    }

    /**
     * As {@link #start(String, int, int, ResourceConfig)}; {@link #close()} then answers 503 {@code shutting-down}
     * for at least {@code drainTime} before it closes the port (see {@link #close()}).
     */
    public static FaasHttpServer start(String bind, int port, int workerThreads, Duration drainTime,
                                       ResourceConfig application) {
        return start(bind, port, workerThreads, drainTime, application, null);
    }

    /**
     * As {@link #start(String, int, int, Duration, ResourceConfig)}, serving HTTPS (and only HTTPS) with
     * {@code tls} ({@link TlsCredentials#sslContext}) when it is not null.
     */
    public static FaasHttpServer start(String bind, int port, int workerThreads, Duration drainTime,
                                       ResourceConfig application, SSLContext tls) {
        return start(bind, port, workerThreads, drainTime, application, tls, null);
    }

    /**
     * As {@link #start(String, int, int, Duration, ResourceConfig, SSLContext)}, with warm calls served by
     * {@code fastPath} (made for this application; null: every request goes through Jersey).
     */
    public static FaasHttpServer start(String bind, int port, int workerThreads, Duration drainTime,
                                       ResourceConfig application, SSLContext tls, InvokeFastPath fastPath) {
        if (drainTime.isNegative()) {
            throw new IllegalArgumentException("drainTime must not be negative: " + drainTime);
        }
        URI uri = URI.create((tls == null ? "http" : "https") + "://" + (bind.contains(":") ? "[" + bind + "]" : bind)
                + ":" + port + "/");
        HttpServer server = tls == null ? GrizzlyHttpServerFactory.createHttpServer(uri, application, false)
                : GrizzlyHttpServerFactory.createHttpServer(uri, application, true,
                        new SSLEngineConfigurator(tls, false, false, false), false);
        // The factory registered Jersey's handler; the draining one takes its place and mapping.
        ServerConfiguration configuration = server.getServerConfiguration();
        Map.Entry<HttpHandler, HttpHandlerRegistration[]> jersey =
                configuration.getHttpHandlersWithMapping().entrySet().iterator().next();
        DrainingHttpHandler handler = new DrainingHttpHandler(fastPath == null ? jersey.getKey()
                : fastPath.before(jersey.getKey()));
        configuration.removeHttpHandler(jersey.getKey());
        configuration.addHttpHandler(handler, jersey.getValue());
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
        return new FaasHttpServer(server, handler, drainTime);
    }

    DrainingHttpHandler drainingHandler() {
        return handler;
    }

    /** The port actually bound. */
    public int port() {
        return server.getListeners().iterator().next().getPort();
    }

    /**
     * Stops gracefully: new requests get a 503 {@code shutting-down} problem document at once (with
     * {@code Connection: close}), for at least the drain time, so that a load balancer sees the node fail its checks
     * and stops sending before the port closes, never racing a request onto a closing connection. Requests in
     * progress get {@link #STOP_GRACE} (or the drain time, if longer) to finish; then every connection closes.
     */
    @Override
    public void close() {
        handler.drain(drainTime, STOP_GRACE);
        server.shutdownNow();
    }
}
