package dev.faas.ports.in;

import dev.faas.ports.model.SecretName;
import dev.faas.ports.model.SecretRecord;
import java.util.List;

/**
 * The administration of secrets: set one (create or rotate), list them, delete one. A value goes in and never comes
 * back out through this use case.
 *
 * @throws dev.faas.ports.error.SecretsNotConfiguredException from every method when the node has no secrets key
 */
public interface ManageSecretsUseCase {

    /** The most bytes of UTF-8 a secret's value may hold. */
    int MAX_VALUE_BYTES = 64 * 1024;

    /** Stores {@code value} under {@code name}, replacing any value stored before; returns the record. */
    SecretRecord put(SecretName name, String value);

    /** Every secret's record, by name. */
    List<SecretRecord> list();

    /** @throws dev.faas.ports.error.SecretNotFoundException if none is stored under {@code name} */
    void delete(SecretName name);
}
