package dev.faas.domain.activation;

import dev.faas.ports.model.Activation;

/** Told about every activation that ended on this node (or that this node found lost or expired). Must not throw. */
@FunctionalInterface
public interface ActivationListener {

    ActivationListener NONE = activation -> {
    };

    void ended(Activation activation);
}
