package dev.faas.ports.in;

import dev.faas.ports.model.PoolStatus;

/** Reads how many instances this node runs, by state, and how many calls wait. Thread-safe and cheap. */
public interface PoolStatusUseCase {

    PoolStatus poolStatus();
}
