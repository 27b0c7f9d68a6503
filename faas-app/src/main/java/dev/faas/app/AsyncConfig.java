package dev.faas.app;

import dev.faas.domain.activation.AsyncSettings;
import java.time.Duration;
import java.util.function.Function;

/**
 * The settings of asynchronous calls and activation records, from {@code FAAS_ASYNC_*} and
 * {@code FAAS_ACTIVATION_RETENTION} (documented in the README with these defaults).
 *
 * @param sharePercent the share of {@code FAAS_MAX_INSTANCES} asynchronous calls may hold at once (default 50)
 * @param lease        how long a node holds a running call without renewing before others count it dead (30s)
 * @param pollInterval how often a node looks for work queued elsewhere and for lost calls (500ms)
 * @param maxQueueAge  how long a call may wait in the queue before it expires unrun (1d)
 * @param retention    how long ended activations (and change log entries) are kept (7d)
 * @param callbackAllow {@code FAAS_CALLBACK_ALLOW}: {@code host:port} entries callbacks may reach over http or at
 *                      internal addresses
 * @param callbackKey  {@code FAAS_CALLBACK_KEY}: the HMAC key callbacks are signed with; unset, callbacks are off
 * @param queueMax     {@code FAAS_ASYNC_QUEUE_MAX}: the most calls one function may have waiting, across the
 *                     nodes of one store (10000)
 */
public record AsyncConfig(int sharePercent, Duration lease, Duration pollInterval, Duration maxQueueAge,
                          Duration retention, java.util.List<String> callbackAllow, String callbackKey,
                          int queueMax) {

    private static final java.util.regex.Pattern ALLOW_ENTRY = java.util.regex.Pattern.compile(
            "(?i)(https?://)?([a-z0-9.-]+|\\[[0-9a-f:]+])(:[0-9]{1,5})");

    /** The shortest callback signing key accepted. */
    static final int MIN_CALLBACK_KEY_LENGTH = 16;

    static AsyncConfig fromEnvironment(Function<String, String> get) {
        int share = FaasConfig.integer("FAAS_ASYNC_SHARE", get.apply("FAAS_ASYNC_SHARE"), 50, 1, 100);
        Duration lease = FaasConfig.duration("FAAS_ASYNC_LEASE", get.apply("FAAS_ASYNC_LEASE"), "30s");
        if (lease.toMillis() < 1000) {
            throw new ConfigException("FAAS_ASYNC_LEASE='" + get.apply("FAAS_ASYNC_LEASE")
                    + "' is too short: at least 1s, so that a busy node keeps its calls");
        }
        Duration poll = FaasConfig.duration("FAAS_ASYNC_POLL_INTERVAL", get.apply("FAAS_ASYNC_POLL_INTERVAL"), "500ms");
        if (poll.isZero()) {
            throw new ConfigException("FAAS_ASYNC_POLL_INTERVAL must be more than 0");
        }
        Duration maxQueueAge = FaasConfig.duration("FAAS_ASYNC_MAX_QUEUE_AGE", get.apply("FAAS_ASYNC_MAX_QUEUE_AGE"),
                "1d");
        Duration retention = FaasConfig.duration("FAAS_ACTIVATION_RETENTION", get.apply("FAAS_ACTIVATION_RETENTION"),
                "7d");
        if (retention.toMinutes() < 1) {
            throw new ConfigException("FAAS_ACTIVATION_RETENTION must be at least 1m");
        }
        String allow = get.apply("FAAS_CALLBACK_ALLOW");
        java.util.List<String> callbackAllow = allow == null ? java.util.List.of()
                : java.util.Arrays.stream(allow.split(",")).map(String::strip).filter(entry -> !entry.isEmpty())
                .toList();
        for (String entry : callbackAllow) {
            if (!ALLOW_ENTRY.matcher(entry).matches()) {
                throw new ConfigException("FAAS_CALLBACK_ALLOW entry '" + entry + "' is not host:port (or"
                        + " http://host:port)");
            }
        }
        String key = get.apply("FAAS_CALLBACK_KEY");
        if (key != null && key.length() < MIN_CALLBACK_KEY_LENGTH) {
            throw new ConfigException("FAAS_CALLBACK_KEY must be at least " + MIN_CALLBACK_KEY_LENGTH
                    + " characters");
        }
        int queueMax = FaasConfig.integer("FAAS_ASYNC_QUEUE_MAX", get.apply("FAAS_ASYNC_QUEUE_MAX"),
                AsyncSettings.DEFAULT_QUEUE_MAX, 1, 100_000_000);
        return new AsyncConfig(share, lease, poll, maxQueueAge, retention, callbackAllow, key, queueMax);
    }

    @Override
    public String toString() {
        // Never print the key.
        return "AsyncConfig[sharePercent=" + sharePercent + ", lease=" + lease + ", pollInterval=" + pollInterval
                + ", maxQueueAge=" + maxQueueAge + ", retention=" + retention + ", callbackAllow=" + callbackAllow
                + ", callbackKey=" + (callbackKey == null ? "(none)" : "***") + ", queueMax=" + queueMax + "]";
    }

    /** The domain's settings for a node of {@code maxInstances}. */
    public AsyncSettings settings(int maxInstances) {
        return new AsyncSettings(AsyncSettings.slotsFor(maxInstances, sharePercent), lease, pollInterval, maxQueueAge,
                retention, AsyncSettings.DEFAULT_PRUNE_BATCH, queueMax);
    }
}
