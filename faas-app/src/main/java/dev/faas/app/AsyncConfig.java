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
 */
public record AsyncConfig(int sharePercent, Duration lease, Duration pollInterval, Duration maxQueueAge,
                          Duration retention) {

    static AsyncConfig fromEnvironment(Function<String, String> get) {
        int share = integer("FAAS_ASYNC_SHARE", get.apply("FAAS_ASYNC_SHARE"), 50, 1, 100);
        Duration lease = duration("FAAS_ASYNC_LEASE", get.apply("FAAS_ASYNC_LEASE"), "30s");
        if (lease.toMillis() < 1000) {
            throw new ConfigException("FAAS_ASYNC_LEASE='" + get.apply("FAAS_ASYNC_LEASE")
                    + "' is too short: at least 1s, so that a busy node keeps its calls");
        }
        Duration poll = duration("FAAS_ASYNC_POLL_INTERVAL", get.apply("FAAS_ASYNC_POLL_INTERVAL"), "500ms");
        if (poll.isZero()) {
            throw new ConfigException("FAAS_ASYNC_POLL_INTERVAL must be more than 0");
        }
        Duration maxQueueAge = duration("FAAS_ASYNC_MAX_QUEUE_AGE", get.apply("FAAS_ASYNC_MAX_QUEUE_AGE"), "1d");
        Duration retention = duration("FAAS_ACTIVATION_RETENTION", get.apply("FAAS_ACTIVATION_RETENTION"), "7d");
        if (retention.toMinutes() < 1) {
            throw new ConfigException("FAAS_ACTIVATION_RETENTION must be at least 1m");
        }
        return new AsyncConfig(share, lease, poll, maxQueueAge, retention);
    }

    /** The domain's settings for a node of {@code maxInstances}. */
    public AsyncSettings settings(int maxInstances) {
        return new AsyncSettings(AsyncSettings.slotsFor(maxInstances, sharePercent), lease, pollInterval, maxQueueAge,
                retention, AsyncSettings.DEFAULT_PRUNE_BATCH);
    }

    private static Duration duration(String variable, String value, String fallback) {
        return DurationParser.parse(variable, value == null ? fallback : value);
    }

    private static int integer(String variable, String value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the accepted range
        }
        throw new ConfigException(variable + "='" + value + "' must be a whole number from " + min + " to " + max);
    }
}
