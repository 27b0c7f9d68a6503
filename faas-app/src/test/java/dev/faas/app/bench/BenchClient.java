package dev.faas.app.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Drives a running server for the benchmarks: latency at concurrency 1, throughput at concurrency N. */
final class BenchClient {

    static final int WARMUP = 300;

    private final HttpClient client;
    private final String base;

    BenchClient(int port, int concurrency) {
        this.base = "http://127.0.0.1:" + port;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(concurrency)).build();
    }

    HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).GET().build();
    }

    HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    HttpRequest delete(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).DELETE().build();
    }

    HttpRequest invoke(String id, String params) {
        return post("/invoke", "{\"name\":\"" + id + "\",\"params\":" + params + "}");
    }

    /** Registers {@code code} (JSON-escaped) under {@code name} with optional limits JSON; returns the id. */
    String register(String name, String escapedCode, String limitsJson) throws Exception {
        return register(name, escapedCode, limitsJson, "python3");
    }

    /** As above, for the language {@code runtime}. */
    String register(String name, String escapedCode, String limitsJson, String runtime) throws Exception {
        String body = "{\"name\":\"" + name + "\",\"code\":\"" + escapedCode + "\",\"runtime\":\"" + runtime + "\""
                + (limitsJson == null ? "" : ",\"limits\":" + limitsJson) + "}";
        String response = send(post("/register", body)).body();
        return response.substring("{\"result\":\"".length(), response.length() - 2);
    }

    LatencyRecorder latency(HttpRequest request, int samples) throws Exception {
        return latency(() -> send(request), samples);
    }

    static LatencyRecorder latency(Callable<?> call, int samples) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            call.call();
        }
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            call.call();
            recorder.record(System.nanoTime() - start);
        }
        return recorder;
    }

    /** Calls per second with {@code concurrency} callers looping for {@code seconds}. */
    double throughput(HttpRequest request, int concurrency, int seconds) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(concurrency);
        try {
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            List<Future<Integer>> counts = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                counts.add(callers.submit(() -> {
                    int done = 0;
                    while (System.nanoTime() < end) {
                        send(request);
                        done++;
                    }
                    return done;
                }));
            }
            long total = 0;
            for (Future<Integer> count : counts) {
                total += count.get();
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            callers.shutdownNow();
        }
    }

    /** Sends and insists on 200 (202 for an asynchronous call). */
    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        int expected = request.uri().getQuery() != null && request.uri().getQuery().contains("async=true") ? 202 : 200;
        if (response.statusCode() != expected) {
            throw new IllegalStateException("unexpected " + response.statusCode() + ": " + response.body());
        }
        return response;
    }
}
