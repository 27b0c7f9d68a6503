package dev.faas.ports.in;

import dev.faas.ports.model.FunctionId;
import java.util.Objects;

/**
 * A request to queue a call of one function version with {@code paramsJson}; {@code callbackUrl} may be null;
 * {@code createdBy} is the id of the API key making it (null: none), which alone (besides admin keys) may read it.
 */
public record InvokeAsyncCommand(InvokeFunctionCommand call, String callbackUrl, String createdBy) {

    public InvokeAsyncCommand {
        Objects.requireNonNull(call, "call");
    }

    /** A call made by no API key. */
    public InvokeAsyncCommand(InvokeFunctionCommand call, String callbackUrl) {
        this(call, callbackUrl, null);
    }

    public static InvokeAsyncCommand of(FunctionId functionId, String paramsJson) {
        return new InvokeAsyncCommand(new InvokeFunctionCommand(functionId, paramsJson), null);
    }
}
