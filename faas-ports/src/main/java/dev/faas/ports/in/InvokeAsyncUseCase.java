package dev.faas.ports.in;

import dev.faas.ports.model.Activation;
import dev.faas.ports.model.InvocationResult;

/**
 * Calls that outlive the request: queued durably and run by any node with room, or run at once and recorded.
 * Thread-safe.
 */
public interface InvokeAsyncUseCase {

    /**
     * Queues the call and returns its activation, status queued, at once.
     *
     * @throws dev.faas.ports.error.FunctionNotFoundException if the version does not exist
     */
    Activation submit(InvokeAsyncCommand command);

    /**
     * Runs the call now, as {@link InvokeFunctionUseCase#invoke} does, and records it as an activation whichever way
     * it ends; a failure is thrown after it is recorded.
     */
    default Recorded invokeRecorded(InvokeFunctionCommand command) {
        return invokeRecorded(command, null);
    }

    /** As {@link #invokeRecorded(InvokeFunctionCommand)}, the record made by API key {@code createdBy} (null: none). */
    Recorded invokeRecorded(InvokeFunctionCommand command, String createdBy);

    /** A synchronous call's result and the id of its record. */
    record Recorded(InvocationResult result, dev.faas.ports.model.ActivationId activationId) {
    }
}
