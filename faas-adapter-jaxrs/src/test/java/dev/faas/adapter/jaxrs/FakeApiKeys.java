package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.ApiKeyNotFoundException;
import dev.faas.ports.error.PermissionNotHeldException;
import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.ports.in.AuthenticateUseCase;
import dev.faas.ports.in.CreateApiKeyCommand;
import dev.faas.ports.in.ManageApiKeysUseCase;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.ApiKeyPermission;
import dev.faas.ports.model.ApiKeyRecord;
import dev.faas.ports.model.AuthenticatedCaller;
import dev.faas.ports.model.CreatedApiKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Keys in a map, by the key itself: enough to drive the HTTP layer, which never sees how keys are stored. */
final class FakeApiKeys implements AuthenticateUseCase, ManageApiKeysUseCase {

    private final Map<String, ApiKeyRecord> byKey = new LinkedHashMap<>();
    private int created;
    private boolean storeDown;

    /** From now on every use throws as a repository whose database is unreachable. */
    synchronized void storeDown() {
        storeDown = true;
    }

    private void checkStore() {
        if (storeDown) {
            throw new RepositoryUnavailableException("the key store is down", null);
        }
    }

    synchronized String add(AccessRole role) {
        return create(new CreateApiKeyCommand(role, "test")).key();
    }

    /** A key of {@code role} holding {@code permissions}, as the operator creates one. */
    synchronized String add(AccessRole role, ApiKeyPermission... permissions) {
        return create(new CreateApiKeyCommand(role, "test", Set.of(permissions), null)).key();
    }

    @Override
    public synchronized Optional<AuthenticatedCaller> authenticate(String bearerToken) {
        checkStore();
        ApiKeyRecord record = byKey.get(bearerToken);
        return record == null || record.revoked() ? Optional.empty()
                : Optional.of(new AuthenticatedCaller(record.id(), record.role(), record.permissions()));
    }

    @Override
    public synchronized boolean anyKeyConfigured() {
        checkStore();
        return !byKey.isEmpty();
    }

    @Override
    public synchronized CreatedApiKey create(CreateApiKeyCommand command) {
        // As the use case promises: a key hands on only the permissions it holds.
        for (ApiKeyPermission permission : command.permissions()) {
            if (command.grantedBy() != null && !command.grantedBy().holds(permission)) {
                throw new PermissionNotHeldException(permission);
            }
        }
        created++;
        String key = "faas_test-key-number-" + created;
        ApiKeyRecord record = new ApiKeyRecord(ApiKeyId.of("key_" + created), command.role(),
                Instant.parse("2026-01-01T00:00:00Z").plusSeconds(created), false, command.description(),
                command.permissions());
        byKey.put(key, record);
        return new CreatedApiKey(record, key);
    }

    @Override
    public synchronized List<ApiKeyRecord> list() {
        return new ArrayList<>(byKey.values());
    }

    @Override
    public synchronized ApiKeyRecord find(ApiKeyId id) {
        return byKey.values().stream().filter(record -> record.id().equals(id)).findFirst()
                .orElseThrow(() -> new ApiKeyNotFoundException(id));
    }

    @Override
    public synchronized void revoke(ApiKeyId id) {
        for (Map.Entry<String, ApiKeyRecord> entry : byKey.entrySet()) {
            if (entry.getValue().id().equals(id)) {
                entry.setValue(entry.getValue().asRevoked());
                return;
            }
        }
        throw new ApiKeyNotFoundException(id);
    }
}
