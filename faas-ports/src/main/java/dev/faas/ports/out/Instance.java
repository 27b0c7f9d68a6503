package dev.faas.ports.out;

/**
 * A handle on one running sandbox, created by a {@link FunctionRuntime}. It serves one call at a time; the
 * platform never overlaps calls on it.
 */
public interface Instance {

    /** Unique among the instances of this runtime. */
    String id();
}
