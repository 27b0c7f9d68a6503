package dev.faas.ports.model;

import dev.faas.ports.error.InvalidRequestException;
import java.time.Duration;

/**
 * The resolved limits of one function version: how long one call may run, how much memory an instance gets,
 * and how many instances of the version may run at once.
 */
public record FunctionLimits(Duration timeout, int memoryMb, int maxInstances) {

    public FunctionLimits {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new InvalidRequestException("limits.timeoutMs", "the timeout must be positive");
        }
        if (memoryMb < 1) {
            throw new InvalidRequestException("limits.memoryMb", "the memory limit must be positive");
        }
        if (maxInstances < 1) {
            throw new InvalidRequestException("limits.maxInstances", "at least one instance must be allowed");
        }
    }
}
