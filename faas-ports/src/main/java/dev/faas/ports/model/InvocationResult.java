package dev.faas.ports.model;

import java.time.Duration;
import java.util.Objects;

/**
 * What one call returned: the handler's result as JSON text ({@code null} is the text {@code "null"}), how the
 * serving instance started, where the time went, and the call's captured stdout/stderr.
 */
public record InvocationResult(
        FunctionId functionId,
        String resultJson,
        StartKind startKind,
        Duration waitTime,
        Duration initTime,
        Duration runTime,
        Duration totalTime,
        String logs,
        boolean logsTruncated) {

    public InvocationResult {
        Objects.requireNonNull(functionId, "functionId");
        Objects.requireNonNull(resultJson, "resultJson");
        Objects.requireNonNull(startKind, "startKind");
        Objects.requireNonNull(logs, "logs");
    }

    public boolean warm() {
        return startKind == StartKind.WARM;
    }
}
