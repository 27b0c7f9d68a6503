package dev.faas.domain.changes;

import dev.faas.domain.access.ApiKeyService;
import dev.faas.domain.invocation.Invoker;
import dev.faas.domain.registry.FunctionRegistry;
import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.Change;
import dev.faas.ports.model.FunctionId;

/**
 * Applies changes of the shared store to what this node keeps: called by the {@link ChangeFollower} thread, in
 * sequence order, for changes made by any node, this one included, so it must be idempotent. It ignores kinds it
 * does not handle.
 */
@FunctionalInterface
public interface ChangeListener {

    void changed(Change change);

    /** Forgets each deleted version: its cached definition, and its instances, which are stopped. */
    static ChangeListener forgettingDeletedVersions(Invoker invoker) {
        return change -> {
            if (Change.FUNCTION_DELETED.equals(change.kind())) {
                invoker.forget(FunctionId.parse(change.subject()));
            }
        };
    }

    /**
     * Turns on the registry's memory of each name's latest version and keeps it true: a version registered or deleted
     * by any node makes its name's latest be read again.
     */
    static ChangeListener refreshingLatestVersions(FunctionRegistry registry) {
        registry.cacheLatestIds();
        return change -> {
            if (Change.FUNCTION_REGISTERED.equals(change.kind()) || Change.FUNCTION_DELETED.equals(change.kind())) {
                registry.versionsChanged(FunctionId.parse(change.subject()).name());
            }
        };
    }

    /** Drops the cached answers about keys created or revoked, so they count at once on this node too. */
    static ChangeListener invalidatingApiKeys(ApiKeyService apiKeys) {
        return change -> {
            if (Change.API_KEY_CREATED.equals(change.kind())) {
                apiKeys.keyAdded(ApiKeyId.of(change.subject()));
            } else if (Change.API_KEY_REVOKED.equals(change.kind())) {
                apiKeys.keyRevoked(ApiKeyId.of(change.subject()));
            }
        };
    }
}
