package dev.faas.ports.error;

/**
 * The caller's access was refused ({@link UnauthenticatedException}, {@link ForbiddenException}) or named an API key
 * that does not exist ({@link ApiKeyNotFoundException}): caller mistakes, never a fault of the platform. Messages
 * never contain a key.
 */
public abstract class AccessException extends FaasException {

    protected AccessException(String message) {
        super(message);
    }
}
