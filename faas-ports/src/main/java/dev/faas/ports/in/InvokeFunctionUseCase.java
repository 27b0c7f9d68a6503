package dev.faas.ports.in;

import dev.faas.ports.model.InvocationResult;

/** Calls a function version in a warm sandbox. Thread-safe; calls of any functions may run in parallel. */
public interface InvokeFunctionUseCase {

    /**
     * Runs the function and returns its result.
     *
     * @throws dev.faas.ports.error.FunctionNotFoundException if the version does not exist
     * @throws dev.faas.ports.error.FunctionCodeException if the user's code failed
     * @throws dev.faas.ports.error.PlatformException if the platform could not complete the call
     */
    InvocationResult invoke(InvokeFunctionCommand command);
}
