package dev.faas.adapter.jaxrs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Wraps the application so that stopping is graceful and says so: once {@link #drain} starts, new requests get a
 * 503 {@code urn:faas:problem:shutting-down} problem document (with {@code Connection: close}, so a load balancer
 * retries them on another node: the call was not run) while the requests already inside finish.
 */
final class DrainingHttpHandler extends HttpHandler {

    private static final byte[] REFUSAL = Problem.of(ProblemType.SHUTTING_DOWN,
            "this node is shutting down and takes no new requests; retry on another node").json()
            .getBytes(StandardCharsets.UTF_8);

    private final HttpHandler application;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    DrainingHttpHandler(HttpHandler application) {
        super("faas-draining");
        this.application = application;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        inFlight.incrementAndGet();
        try {
            if (draining) {
                refuse(response);
                return;
            }
            application.service(request, response);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * Refuses new requests from now on, for at least {@code minimum}, and waits for those inside to finish, giving up
     * on them after {@code grace} (or {@code minimum}, if longer).
     *
     * @return whether every request finished in time
     */
    boolean drain(Duration minimum, Duration grace) {
        draining = true;
        long started = System.nanoTime();
        long earliest = started + minimum.toNanos();
        long deadline = started + Math.max(minimum.toNanos(), grace.toNanos());
        while (inFlight.get() > 0 || System.nanoTime() - earliest < 0) {
            if (System.nanoTime() - deadline >= 0) {
                return inFlight.get() == 0;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static void refuse(Response response) throws IOException {
        response.setStatus(ProblemType.SHUTTING_DOWN.status());
        response.setHeader("Connection", "close");
        response.setHeader("Retry-After", "1");
        response.setContentType(Problem.MEDIA_TYPE.toString());
        response.setContentLength(REFUSAL.length);
        response.getOutputStream().write(REFUSAL);
    }

    @Override
    public void start() {
        application.start();
    }

    @Override
    public void destroy() {
        application.destroy();
    }
}
