package dev.faas.ports.in;

import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyPermission;
import dev.faas.ports.model.ApiKeyRecord;
import dev.faas.ports.model.AuthenticatedCaller;
import java.util.Objects;
import java.util.Set;

/**
 * A request to create an API key of {@code role}, with an optional free-text description (for whom, what for) and the
 * permissions to grant it beyond its role (none unless given). {@code grantedBy} is the caller creating it, whose key
 * must hold every permission it grants; null when the operator creates it (configuration, the embedding program, a
 * server without keys).
 */
public record CreateApiKeyCommand(AccessRole role, String description, Set<ApiKeyPermission> permissions,
                                  AuthenticatedCaller grantedBy) {

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
        permissions = ApiKeyPermission.setOf(permissions);
    }

    /** A key without permissions beyond its role, created by the operator. */
    public CreateApiKeyCommand(AccessRole role, String description) {
        this(role, description, Set.of(), null);
    }
}
