package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.InvalidRequestException;

/** The request body is not the JSON the endpoint expects. */
final class MalformedBodyException extends InvalidRequestException {

    MalformedBodyException(String message) {
        super("body", message);
    }
}
