package dev.faas.ports.model;

/** How the instance that served a call came to be ready. */
public enum StartKind {
    /** An idle instance already specialised to this version. */
    WARM,
    /** A pre-started instance with no code yet, specialised for this call. */
    PREWARMED,
    /** A new instance started for this call. */
    COLD;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
