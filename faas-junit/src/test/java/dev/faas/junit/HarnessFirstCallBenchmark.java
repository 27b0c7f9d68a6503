package dev.faas.junit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How long a test's first call through the harness's HTTP API takes, seen by the client (a fresh
 * {@code java.net.http} client, as a test would make), against the second call. Prints figures, asserts none; run
 * alone, so the JVM is as fresh as a test run's: {@code mvn -pl faas-junit -am test -Dtest=HarnessFirstCallBenchmark
 * -DexcludedTestTags= -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class HarnessFirstCallBenchmark {

    @Test
    void firstCallThroughTheHarness_clientSide() throws Exception {
        for (int round = 1; round <= 3; round++) {
            FaasExtension faas = FaasExtension.builder()
                    .function("price", "def user_function(quantity):\n    return quantity * 10\n")
                    .http()
                    .build();
            long startNanos = System.nanoTime();
            faas.beforeAll(null);
            long startedNanos = System.nanoTime();
            try {
                HttpClient client = HttpClient.newHttpClient();
                long first = call(client, faas.baseUrl(), faas.id("price").toString());
                long second = call(client, faas.baseUrl(), faas.id("price").toString());
                System.out.printf("harness round %d: start %d ms, first call %d ms, second call %d ms%n", round,
                        Duration.ofNanos(startedNanos - startNanos).toMillis(), first, second);
            } finally {
                faas.afterAll(null);
            }
        }
    }

    private static long call(HttpClient client, URI baseUrl, String id) throws Exception {
        long before = System.nanoTime();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(baseUrl.resolve("/invoke"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + id + "\",\"params\":{\"quantity\":3}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        long took = Duration.ofNanos(System.nanoTime() - before).toMillis();
        if (!response.body().equals("{\"result\":30}")) {
            throw new AssertionError("unexpected answer " + response.statusCode() + " " + response.body());
        }
        return took;
    }
}
