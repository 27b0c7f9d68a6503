package dev.faas.ports.error;

/** The function store cannot be reached right now; the operation may succeed when it returns. */
public class RepositoryUnavailableException extends PlatformException {

    public RepositoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
