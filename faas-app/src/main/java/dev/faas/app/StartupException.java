package dev.faas.app;

/** The server cannot start for a reason the operator can fix; the message says how. */
public final class StartupException extends RuntimeException {

    public StartupException(String message) {
        super(message);
    }
}
