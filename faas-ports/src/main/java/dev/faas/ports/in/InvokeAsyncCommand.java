package dev.faas.ports.in;

import dev.faas.ports.model.FunctionId;
import java.util.Objects;

/** A request to queue a call of one function version with {@code paramsJson}; {@code callbackUrl} may be null. */
public record InvokeAsyncCommand(InvokeFunctionCommand call, String callbackUrl) {

    public InvokeAsyncCommand {
        Objects.requireNonNull(call, "call");
    }

    public static InvokeAsyncCommand of(FunctionId functionId, String paramsJson) {
        return new InvokeAsyncCommand(new InvokeFunctionCommand(functionId, paramsJson), null);
    }
}
