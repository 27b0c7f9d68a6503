package dev.faas.ports.in;

import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.model.FunctionId;
import java.util.Objects;

/**
 * A request to call one function version with {@code paramsJson}, the text of a JSON object whose members become
 * the handler's keyword arguments. The adapter that received the call has already checked it is an object.
 */
public record InvokeFunctionCommand(FunctionId functionId, String paramsJson) {

    public InvokeFunctionCommand {
        Objects.requireNonNull(functionId, "functionId");
        if (paramsJson == null) {
            paramsJson = "{}";
        }
        String trimmed = paramsJson.strip();
        if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
            throw new InvalidRequestException("params", "params must be a JSON object");
        }
    }
}
