package dev.faas.ports.error;

/** The handler returned a value that is not strict JSON (a set, an object, NaN...). */
public class InvalidResultException extends FunctionCodeException {

    public InvalidResultException(String errorType, String errorMessage, String logs) {
        this("the function's result is not JSON: " + errorMessage, errorType, errorMessage, logs);
    }

    protected InvalidResultException(String summary, String errorType, String errorMessage, String logs) {
        super(summary, errorType, errorMessage, "", logs);
    }
}
