package dev.faas.ports.model;

import java.time.Instant;
import java.util.Objects;

/** A validated function version about to be stored; the repository gives it its version number. */
public record NewFunctionVersion(FunctionName name, String code, String handler, FunctionLimits limits,
        Instant createdAt, String codeSha256, VersionOptions options) {

    public NewFunctionVersion {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(codeSha256, "codeSha256");
        Objects.requireNonNull(options, "options");
    }

    /** A version with the default options (Python, no network, no environment, no secrets). */
    public NewFunctionVersion(
            FunctionName name, String code, String handler, FunctionLimits limits, Instant createdAt, String codeSha256) {
        this(name, code, handler, limits, createdAt, codeSha256, VersionOptions.DEFAULT);
    }

    public FunctionDefinition withVersion(int version) {
        return new FunctionDefinition(
                new FunctionId(name, version), code, handler, limits, createdAt, codeSha256, options);
    }
}
