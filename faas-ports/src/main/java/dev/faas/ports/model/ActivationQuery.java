package dev.faas.ports.model;

/**
 * Which activations to list, newest first: of one function name (null: all), in one status (null: any), older than
 * the activation {@code after} (null: from the newest), at most {@code limit}; made by API key {@code createdBy}
 * (null: by anyone).
 */
public record ActivationQuery(FunctionName function, ActivationStatus status, ActivationId after, int limit,
                              String createdBy) {

    /** Activations made by anyone. */
    public ActivationQuery(FunctionName function, ActivationStatus status, ActivationId after, int limit) {
        this(function, status, after, limit, null);
    }

    public ActivationQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
    }
}
