package dev.faas.ports.in;

import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationId;
import dev.faas.ports.model.ActivationQuery;
import java.util.List;

/** Reads and deletes activation records. Thread-safe. */
public interface ActivationsUseCase {

    /** @throws dev.faas.ports.error.ActivationNotFoundException if there is none with this id */
    Activation activation(ActivationId id);

    /** Newest first. */
    List<Activation> activations(ActivationQuery query);

    /** @throws dev.faas.ports.error.ActivationNotFoundException if there is none with this id */
    void delete(ActivationId id);
}
