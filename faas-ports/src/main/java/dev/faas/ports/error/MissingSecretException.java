package dev.faas.ports.error;

import dev.faas.ports.model.FunctionId;
import java.util.List;

/**
 * A version names secrets that were deleted after it was registered, so no instance of it can be given them: store
 * them again ({@code POST /secrets}) or register a version without them. Neither the caller's nor the platform's
 * fault, but the operator's configuration.
 */
public class MissingSecretException extends FaasException {

    private final FunctionId functionId;
    private final List<String> names;

    public MissingSecretException(FunctionId functionId, List<String> names) {
        super("the function " + functionId + " reads the secret" + (names.size() == 1 ? " " : "s ")
                + String.join(", ", names.stream().map(name -> "'" + name + "'").toList())
                + ", which " + (names.size() == 1 ? "is" : "are") + " no longer stored; store "
                + (names.size() == 1 ? "it" : "them") + " again with POST /secrets or register a version without");
        this.functionId = functionId;
        this.names = List.copyOf(names);
    }

    public FunctionId functionId() {
        return functionId;
    }

    public List<String> names() {
        return names;
    }
}
