package dev.faas.ports.error;

import java.time.Duration;

/** No instance became free within the bounded wait; the caller should retry after {@link #retryAfter()}. */
public class CapacityExceededException extends PlatformException {

    private final Duration retryAfter;

    public CapacityExceededException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
