package dev.faas.ports.model;

import java.time.Instant;
import java.util.Objects;

/** What may be shown of a stored secret: its name and when it was first stored and last set. Never its value. */
public record SecretRecord(SecretName name, Instant createdAt, Instant updatedAt) {

    public SecretRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
