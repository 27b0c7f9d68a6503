package dev.faas.domain.access;

/** An API key in the configuration is malformed; the message names the entry's position, never the key. */
public final class InvalidApiKeyConfigException extends RuntimeException {

    public InvalidApiKeyConfigException(String message) {
        super(message);
    }
}
