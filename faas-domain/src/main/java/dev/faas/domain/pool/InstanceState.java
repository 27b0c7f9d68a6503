package dev.faas.domain.pool;

/** Lifecycle of a pooled instance, in the spirit of OpenWhisk's container proxy. */
public enum InstanceState {
    /** Started with the runner loaded, no code yet. */
    PREWARM,
    /** Being started or specialised for a call. */
    STARTING,
    /** Idle, specialised to one function version. */
    WARM,
    /** Serving a call. */
    BUSY,
    /** Taken out of the pool, being stopped. */
    REMOVING
}
