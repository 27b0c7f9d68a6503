package dev.faas.ports.error;

import dev.faas.ports.model.ApiKeyId;

/** No API key has the id that was asked for. */
public class ApiKeyNotFoundException extends AccessException {

    private final ApiKeyId id;

    public ApiKeyNotFoundException(ApiKeyId id) {
        super("API key '" + id + "' not found");
        this.id = id;
    }

    public ApiKeyId id() {
        return id;
    }
}
