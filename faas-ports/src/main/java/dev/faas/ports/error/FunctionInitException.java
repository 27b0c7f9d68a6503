package dev.faas.ports.error;

/**
 * The function's code could not be loaded: a syntax error, an exception at import time, or no callable handler of
 * the expected name. {@link #line()} is the offending line for a syntax error, else 0.
 */
public class FunctionInitException extends FunctionCodeException {

    private final int line;

    public FunctionInitException(String errorType, String errorMessage, String traceback, int line, String logs) {
        super("the function's code could not be loaded: " + errorType + ": " + errorMessage,
                errorType, errorMessage, traceback, logs);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
