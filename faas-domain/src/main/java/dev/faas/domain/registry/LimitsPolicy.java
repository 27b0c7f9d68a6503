package dev.faas.domain.registry;

import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.RequestedLimits;
import java.time.Duration;

/**
 * The server's defaults and maxima for function limits and code size; resolves what a user asked for into the
 * limits a version is stored with.
 */
public record LimitsPolicy(
        Duration defaultTimeout,
        Duration maxTimeout,
        int defaultMemoryMb,
        int maxMemoryMb,
        int defaultMaxInstances,
        int maxMaxInstances,
        int maxCodeBytes) {

    /** Minimum memory a Python runner needs to start at all. */
    public static final int MIN_MEMORY_MB = 32;

    public static LimitsPolicy defaults() {
        return new LimitsPolicy(Duration.ofSeconds(60), Duration.ofSeconds(900), 256, 2048, 8, 64, 1024 * 1024);
    }

    public LimitsPolicy {
        if (defaultTimeout.compareTo(maxTimeout) > 0 || defaultMemoryMb > maxMemoryMb
                || defaultMaxInstances > maxMaxInstances) {
            throw new IllegalArgumentException("a default limit is above its maximum");
        }
    }

    /**
     * This policy with its memory maximum lowered to the node's memory budget where it is higher: an instance larger
     * than the whole budget could never start, so such a registration is refused like any limit over its maximum.
     *
     * @throws IllegalArgumentException when the budget is below the default memory, which every function may take
     */
    public LimitsPolicy withinNodeMemory(int nodeMemoryMb) {
        if (nodeMemoryMb < defaultMemoryMb) {
            throw new IllegalArgumentException("the node's memory budget of " + nodeMemoryMb
                    + " MB is below the default function memory of " + defaultMemoryMb + " MB");
        }
        if (maxMemoryMb <= nodeMemoryMb) {
            return this;
        }
        return new LimitsPolicy(defaultTimeout, maxTimeout, defaultMemoryMb, nodeMemoryMb, defaultMaxInstances,
                maxMaxInstances, maxCodeBytes);
    }

    public FunctionLimits resolve(RequestedLimits requested) {
        Duration timeout = defaultTimeout;
        if (requested.timeoutMs() != null) {
            long millis = requested.timeoutMs();
            if (millis < 1 || millis > maxTimeout.toMillis()) {
                throw new InvalidRequestException("limits.timeoutMs",
                        "limits.timeoutMs must be between 1 and " + maxTimeout.toMillis() + ", got " + millis);
            }
            timeout = Duration.ofMillis(millis);
        }
        int memoryMb = pick("limits.memoryMb", requested.memoryMb(), defaultMemoryMb, MIN_MEMORY_MB, maxMemoryMb);
        int maxInstances = pick("limits.maxInstances", requested.maxInstances(), defaultMaxInstances, 1,
                maxMaxInstances);
        return new FunctionLimits(timeout, memoryMb, maxInstances);
    }

    private static int pick(String field, Integer requested, int fallback, int min, int max) {
        if (requested == null) {
            return fallback;
        }
        if (requested < min || requested > max) {
            throw new InvalidRequestException(field,
                    field + " must be between " + min + " and " + max + ", got " + requested);
        }
        return requested;
    }
}
