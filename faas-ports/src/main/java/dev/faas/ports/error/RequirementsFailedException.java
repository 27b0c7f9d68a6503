package dev.faas.ports.error;

/**
 * A version's Python requirements could not be installed: pip could not resolve or install them, or the build ran out
 * of time. {@link #pipOutput()} is the tail of pip's output.
 */
public class RequirementsFailedException extends InvalidRequestException {

    private final String pipOutput;

    public RequirementsFailedException(String message, String pipOutput) {
        super("requirements", message);
        this.pipOutput = pipOutput == null ? "" : pipOutput;
    }

    public String pipOutput() {
        return pipOutput;
    }
}
