package dev.faas.ports.model;

import java.util.Locale;

/** Where an activation (one recorded call) stands; every status but {@link #QUEUED} and {@link #RUNNING} is final. */
public enum ActivationStatus {
    /** Waiting in the store for a node with room. */
    QUEUED,
    /** Taken by a node, which holds a lease on it. */
    RUNNING,
    /** The function returned a result. */
    SUCCEEDED,
    /** The function raised, or the platform could not complete the call (the problem says which). */
    FAILED,
    /** The function did not finish within its timeout. */
    TIMED_OUT,
    /** The call waited in the queue longer than allowed and never ran. */
    EXPIRED;

    /** As shown in the API: {@code queued}, {@code timed-out}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean isFinal() {
        return this != QUEUED && this != RUNNING;
    }

    /** The status with this {@link #label()}. */
    public static ActivationStatus ofLabel(String label) {
        for (ActivationStatus status : values()) {
            if (status.label().equals(label)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown activation status '" + label + "'");
    }
}
