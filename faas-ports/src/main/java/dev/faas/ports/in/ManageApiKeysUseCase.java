package dev.faas.ports.in;

import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.ApiKeyRecord;
import dev.faas.ports.model.CreatedApiKey;
import java.util.List;

/** Creates, lists and revokes API keys. Thread-safe. */
public interface ManageApiKeysUseCase {

    /** Creates a key and returns it with its record; the key is in the result only, its hash alone is stored. */
    CreatedApiKey create(CreateApiKeyCommand command);

    /** Every key, revoked ones included, oldest first; never a key nor a hash. */
    List<ApiKeyRecord> list();

    /** @throws dev.faas.ports.error.ApiKeyNotFoundException if no key has that id */
    ApiKeyRecord find(ApiKeyId id);

    /**
     * Revokes a key: it stops working at once on this node. Revoking a revoked key changes nothing.
     *
     * @throws dev.faas.ports.error.ApiKeyNotFoundException if no key has that id
     */
    void revoke(ApiKeyId id);
}
