package dev.faas.ports.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored, immutable function version: its code, the handler to call, its limits, when it was made and its
 * options (runtime, network, environment, secrets).
 */
public record FunctionDefinition(FunctionId id, String code, String handler, FunctionLimits limits, Instant createdAt,
        String codeSha256, VersionOptions options) {

    public FunctionDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(codeSha256, "codeSha256");
        Objects.requireNonNull(options, "options");
    }

    /** A version with the default options (Python, no network, no environment, no secrets). */
    public FunctionDefinition(
            FunctionId id, String code, String handler, FunctionLimits limits, Instant createdAt, String codeSha256) {
        this(id, code, handler, limits, createdAt, codeSha256, VersionOptions.DEFAULT);
    }

    public FunctionName name() {
        return id.name();
    }

    public int version() {
        return id.version();
    }
}
