package dev.faas.ports.model;

/**
 * Limits a user asked for at registration; a {@code null} field means "the server's default".
 * They are checked against the server's maxima when the version is registered.
 */
public record RequestedLimits(Long timeoutMs, Integer memoryMb, Integer maxInstances) {

    public static final RequestedLimits DEFAULTS = new RequestedLimits(null, null, null);
}
