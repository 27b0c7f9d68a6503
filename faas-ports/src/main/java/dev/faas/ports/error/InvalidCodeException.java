package dev.faas.ports.error;

/**
 * Code offered for registration does not load: a syntax error ({@link #line()} names the line), an exception at
 * import time, or no handler of the expected name. Nothing was stored.
 */
public class InvalidCodeException extends InvalidRequestException {

    private final String errorType;
    private final String errorMessage;
    private final int line;
    private final String traceback;

    public InvalidCodeException(String errorType, String errorMessage, int line, String traceback) {
        super("code", "the code does not load: " + errorType + ": " + errorMessage
                + (line > 0 ? " (line " + line + ")" : ""));
        this.errorType = errorType;
        this.errorMessage = errorMessage;
        this.line = line;
        this.traceback = traceback == null ? "" : traceback;
    }

    public String errorType() {
        return errorType;
    }

    public String errorMessage() {
        return errorMessage;
    }

    public int line() {
        return line;
    }

    public String traceback() {
        return traceback;
    }
}
