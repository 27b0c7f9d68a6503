package dev.faas.ports.model;

import java.time.Instant;
import java.util.Objects;

/** One stored, immutable function version: its code, the handler to call, its limits and when it was made. */
public record FunctionDefinition(
        FunctionId id, String code, String handler, FunctionLimits limits, Instant createdAt, String codeSha256) {

    public FunctionDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(codeSha256, "codeSha256");
    }

    public FunctionName name() {
        return id.name();
    }

    public int version() {
        return id.version();
    }
}
