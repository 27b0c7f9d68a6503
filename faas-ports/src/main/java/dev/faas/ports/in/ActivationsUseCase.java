package dev.faas.ports.in;

import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationId;
import dev.faas.ports.model.ActivationQuery;
import java.util.List;

/** Reads and deletes activation records. Thread-safe. */
public interface ActivationsUseCase {

    /** @throws dev.faas.ports.error.ActivationNotFoundException if there is none with this id */
    default Activation activation(ActivationId id) {
        return activation(id, null);
    }

    /**
     * The activation as API key {@code readerKeyId} may see it: only one it made (null: any activation). Another
     * key's activation is reported as absent, so a caller cannot learn that it exists.
     *
     * @throws dev.faas.ports.error.ActivationNotFoundException if there is none with this id that the key made
     */
    Activation activation(ActivationId id, String readerKeyId);

    /** Newest first. */
    List<Activation> activations(ActivationQuery query);

    /** @throws dev.faas.ports.error.ActivationNotFoundException if there is none with this id */
    void delete(ActivationId id);
}
