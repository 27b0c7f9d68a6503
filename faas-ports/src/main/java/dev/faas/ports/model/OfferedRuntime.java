package dev.faas.ports.model;

import java.util.Objects;

/** A language runtime this node offers, and whether it keeps pre-warmed instances of it for first calls. */
public record OfferedRuntime(LanguageRuntime runtime, boolean prewarm) {

    public OfferedRuntime {
        Objects.requireNonNull(runtime, "runtime");
    }
}
