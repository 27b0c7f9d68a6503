package dev.faas.ports.error;

/** No stored function matches the id or name that was asked for (it never existed, or it was deleted). */
public class FunctionNotFoundException extends FaasException {

    private final String reference;

    public FunctionNotFoundException(Object reference) {
        super("function '" + reference + "' not found");
        this.reference = String.valueOf(reference);
    }

    public String reference() {
        return reference;
    }
}
