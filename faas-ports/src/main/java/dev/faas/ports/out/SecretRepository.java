package dev.faas.ports.out;

import dev.faas.ports.model.SecretName;
import dev.faas.ports.model.StoredSecret;
import java.util.List;
import java.util.Optional;

/**
 * Durable store of secrets, each by name with its value sealed (encrypted) by the platform: the store never sees a
 * value. Implementations are thread-safe and throw {@link dev.faas.ports.error.RepositoryUnavailableException} when
 * their store cannot be reached.
 */
public interface SecretRepository {

    /**
     * Stores {@code secret}, replacing the sealed value and update time of one of the same name (its creation time
     * stays the stored one), atomically.
     */
    void put(StoredSecret secret);

    /** The secret named {@code name}. */
    Optional<StoredSecret> find(SecretName name);

    /** Every secret, by name. */
    List<StoredSecret> list();

    /** Deletes the secret; returns whether there was one. */
    boolean delete(SecretName name);
}
