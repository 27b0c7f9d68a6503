package dev.faas.ports.error;

/**
 * A version's environment breaks the rules of {@link dev.faas.ports.model.FunctionEnvironment}: a bad or reserved
 * name, a value an environment cannot hold, or, when {@link #tooLarge()}, more bytes than allowed in all.
 */
public class InvalidEnvironmentException extends InvalidRequestException {

    private final boolean tooLarge;

    public InvalidEnvironmentException(boolean tooLarge, String message) {
        super("env", message);
        this.tooLarge = tooLarge;
    }

    public boolean tooLarge() {
        return tooLarge;
    }
}
