package dev.faas.ports.error;

/**
 * Root of every exception the platform throws across a port. Three families sit below it: the caller's mistakes
 * ({@link InvalidRequestException}, {@link FunctionNotFoundException}), faults of the user's function code
 * ({@link FunctionCodeException}) and faults of the platform itself ({@link PlatformException}).
 */
public abstract class FaasException extends RuntimeException {

    protected FaasException(String message) {
        super(message);
    }

    protected FaasException(String message, Throwable cause) {
        super(message, cause);
    }
}
