package dev.faas.ports.error;

/**
 * A version asked for network egress on a node whose operator has not allowed it (HTTP 403); the message says how
 * to allow it.
 */
public class EgressNotAllowedException extends FaasException {

    public EgressNotAllowedException(String message) {
        super(message);
    }
}
