package dev.faas.app;

/** A configuration value is missing or malformed; the message says which variable and what is expected. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
