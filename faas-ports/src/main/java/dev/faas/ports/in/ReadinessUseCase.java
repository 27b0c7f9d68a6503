package dev.faas.ports.in;

import dev.faas.ports.model.Readiness;

/**
 * Tells whether this node can serve calls now: its function store answers and its runtime can start instances.
 * Thread-safe; answers within a bounded time even when a dependency hangs.
 */
public interface ReadinessUseCase {

    Readiness readiness();
}
