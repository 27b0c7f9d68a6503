package dev.faas.adapter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaasHttpServerDrainTest {

    // Jersey makes the resource; each test gets fresh latches.
    static volatile CountDownLatch entered;
    static volatile CountDownLatch release;

    @Path("/")
    public static class SlowResource {
        @GET
        @Path("slow")
        public String slow() throws InterruptedException {
            entered.countDown();
            release.await(30, TimeUnit.SECONDS);
            return "done";
        }

        @GET
        @Path("fast")
        public String fast() {
            return "fast";
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FaasHttpServer server;

    @BeforeEach
    void freshLatches() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    @AfterEach
    void releaseAndClose() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void givenARequestInProgress_close_letsItFinishAndRefusesNewOnesWithAProblemDocument() throws Exception {
        server = FaasHttpServer.start("127.0.0.1", 0, 8, new ResourceConfig(SlowResource.class));
        URI base = URI.create("http://127.0.0.1:" + server.port());
        assertThat(get(base.resolve("/fast")).body()).isEqualTo("fast");
        CompletableFuture<HttpResponse<String>> inProgress = client.sendAsync(
                HttpRequest.newBuilder(base.resolve("/slow")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        HttpResponse<String> refused = awaitRefusal(base.resolve("/fast"));
        assertThat(closing).as("close waits for the request in progress").isNotDone();
        release.countDown();

        assertThat(inProgress.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(inProgress.get().body()).isEqualTo("done");
        closing.get(10, TimeUnit.SECONDS);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.body()).contains("\"type\":\"urn:faas:problem:shutting-down\"").contains("\"status\":503");
        server = null;
    }

    @Test
    void givenARequestThatDoesNotFinish_drain_givesUpAfterItsGrace() throws Exception {
        server = FaasHttpServer.start("127.0.0.1", 0, 8, new ResourceConfig(SlowResource.class));
        URI base = URI.create("http://127.0.0.1:" + server.port());
        client.sendAsync(HttpRequest.newBuilder(base.resolve("/slow")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        DrainingHttpHandler handler = server.drainingHandler();

        long started = System.nanoTime();
        boolean finished = handler.drain(Duration.ZERO, Duration.ofMillis(200));

        assertThat(finished).isFalse();
        // The grace holds: not given up before its 200 ms, and given up within a generous liveness bound.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(150),
                Duration.ofSeconds(5));
    }

    @Test
    void givenADrainTime_close_keepsRefusingWithAProblemDocumentForThatLong() throws Exception {
        server = FaasHttpServer.start("127.0.0.1", 0, 8, Duration.ofMillis(400),
                new ResourceConfig(SlowResource.class));
        URI base = URI.create("http://127.0.0.1:" + server.port());
        long started = System.nanoTime();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        HttpResponse<String> refused = awaitRefusal(base.resolve("/fast"));
        // The drain's length is the behaviour under test: look again inside its 400 ms window.
        Thread.sleep(200);
        HttpResponse<String> stillRefused = get(base.resolve("/fast"));
        closing.get(10, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(stillRefused.statusCode()).as("still answering, 200 ms into a 400 ms drain").isEqualTo(503);
        assertThat(stillRefused.headers().firstValue("Connection")).hasValue("close");
        server = null;
    }

    private HttpResponse<String> awaitRefusal(URI uri) {
        return await("a refusal").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5)).until(() -> get(uri), response -> response.statusCode() != 200);
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
