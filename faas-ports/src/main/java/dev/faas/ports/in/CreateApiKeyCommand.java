package dev.faas.ports.in;

import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyRecord;
import java.util.Objects;

/** A request to create an API key of {@code role}, with an optional free-text description (for whom, what for). */
public record CreateApiKeyCommand(AccessRole role, String description) {

    public CreateApiKeyCommand {
        Objects.requireNonNull(role, "role");
        description = description == null ? "" : description.strip();
        if (description.length() > ApiKeyRecord.MAX_DESCRIPTION_LENGTH) {
            throw new InvalidRequestException("description",
                    "the description has at most " + ApiKeyRecord.MAX_DESCRIPTION_LENGTH + " characters");
        }
        if (description.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException("description", "the description must not contain control characters");
        }
    }
}
