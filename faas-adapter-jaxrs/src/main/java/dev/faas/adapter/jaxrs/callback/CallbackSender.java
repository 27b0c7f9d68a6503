package dev.faas.adapter.jaxrs.callback;

import dev.faas.adapter.jaxrs.ActivationDocuments;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.model.Activation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs an ended activation's record to its callback URL, signed: {@code X-Faas-Signature: t=<unix seconds>,
 * v1=<hex HMAC-SHA256 of "<t>.<body>" under the callback key>}, so a receiver can check it came from the platform
 * and is fresh. A delivery that fails (no answer, or not 2xx) is tried again after 1, 2, 4 and 8 seconds, then given
 * up and logged; redirects are not followed. The target is checked by {@link CallbackTargets} before every attempt.
 * Deliveries live in this node's memory: a node that dies loses the ones still pending. Thread-safe.
 */
public final class CallbackSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CallbackSender.class);
    public static final String SIGNATURE_HEADER = "X-Faas-Signature";
    static final int MAX_ATTEMPTS = 5;

    private final CallbackTargets targets;
    private final byte[] key;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Duration firstBackoff;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();

    /** @param scheduler runs the deliveries and their retries; {@link #close} shuts it down */
    public CallbackSender(CallbackTargets targets, byte[] key, Clock clock, ScheduledExecutorService scheduler,
                          Duration firstBackoff) {
        this.targets = targets;
        this.key = key.clone();
        this.clock = clock;
        this.scheduler = scheduler;
        this.firstBackoff = firstBackoff;
    }

    /** Sends the record of {@code activation} to its callback URL, if it has one, in the background. */
    public void ended(Activation activation) {
        if (activation.callbackUrl() == null) {
            return;
        }
        String body = ActivationDocuments.activation(activation);
        scheduler.execute(() -> attempt(activation, body, 1));
    }

    /** Callbacks answered 2xx, and given up after every attempt failed. */
    public long delivered() {
        return delivered.get();
    }

    public long abandoned() {
        return abandoned.get();
    }

    /** {@code t=<seconds>,v1=<hex>}: the signature of {@code body} at {@code epochSeconds}. */
    public static String signature(byte[] key, long epochSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((epochSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "t=" + epochSeconds + ",v1=" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private void attempt(Activation activation, String body, int attempt) {
        String outcome;
        try {
            URI target = targets.check(activation.callbackUrl());
            HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header(SIGNATURE_HEADER, signature(key, clock.instant().getEpochSecond(), body))
                    .header("X-Faas-Activation-Id", activation.id().value())
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                delivered.incrementAndGet();
                return;
            }
            outcome = "HTTP " + response.statusCode();
        } catch (InvalidRequestException e) {
            outcome = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            outcome = e.getClass().getSimpleName();
        }
        if (attempt >= MAX_ATTEMPTS || scheduler.isShutdown()) {
            abandoned.incrementAndGet();
            LOG.warn("callback of activation {} given up after {} attempts: {}", activation.id(), attempt, outcome);
            return;
        }
        long delayMillis = firstBackoff.toMillis() << (attempt - 1);
        LOG.info("callback of activation {} failed ({}); attempt {} in {} ms", activation.id(), outcome, attempt + 1,
                delayMillis);
        try {
            scheduler.schedule(() -> attempt(activation, body, attempt + 1), delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            abandoned.incrementAndGet();
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
