package dev.faas.ports.error;

import java.util.Objects;

/** The request carries no API key, or one that is unknown, revoked or malformed (HTTP 401). */
public class UnauthenticatedException extends AccessException {

    /** Why the request is not authenticated. */
    public enum Reason {
        /** No credentials at all, or not in the expected scheme. */
        NO_CREDENTIALS,
        /** A key was presented but is not a valid one. */
        INVALID_CREDENTIALS
    }

    private final Reason reason;

    public UnauthenticatedException(Reason reason) {
        super(switch (Objects.requireNonNull(reason, "reason")) {
            case NO_CREDENTIALS -> "authentication required: send the header 'Authorization: Bearer <API key>'";
            case INVALID_CREDENTIALS -> "the API key is not valid: it is unknown, revoked or malformed";
        });
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
