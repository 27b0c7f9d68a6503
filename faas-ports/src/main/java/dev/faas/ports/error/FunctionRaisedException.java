package dev.faas.ports.error;

/** The handler raised an exception while it ran. */
public class FunctionRaisedException extends FunctionCodeException {

    public FunctionRaisedException(String errorType, String errorMessage, String traceback, String logs) {
        super("the function raised " + errorType + ": " + errorMessage, errorType, errorMessage, traceback, logs);
    }
}
