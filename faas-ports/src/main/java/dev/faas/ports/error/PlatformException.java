package dev.faas.ports.error;

/** The platform could not complete a call for a reason of its own: a sandbox died, ran out of time or memory, or capacity ran out. */
public abstract class PlatformException extends FaasException {

    protected PlatformException(String message) {
        super(message);
    }

    protected PlatformException(String message, Throwable cause) {
        super(message, cause);
    }
}
