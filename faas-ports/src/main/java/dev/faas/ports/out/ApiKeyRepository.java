package dev.faas.ports.out;

import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.ApiKeyRecord;
import dev.faas.ports.model.StoredApiKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable store of API keys, by the SHA-256 of each key (never the key itself). Keys are never deleted, only revoked,
 * so a revoked key cannot come back. Implementations are thread-safe and throw
 * {@link dev.faas.ports.error.RepositoryUnavailableException} when their store cannot be reached.
 */
public interface ApiKeyRepository {

    /**
     * Stores a key unless one of the same hash is stored already (revoked or not), atomically.
     *
     * @param keyHash the key's SHA-256 as 64 lower-case hex digits
     * @return whether the key was added; false leaves the stored one as it was
     */
    boolean add(ApiKeyRecord record, String keyHash);

    /** The key whose hash is {@code keyHash}, revoked or not. */
    Optional<StoredApiKey> findByHash(String keyHash);

    /** Every key, revoked ones included, oldest first (ties by id). */
    List<ApiKeyRecord> list();

    /**
     * Marks a key revoked at {@code revokedAt}; revoking it again keeps the first time.
     *
     * @return whether a key of that id exists
     */
    boolean revoke(ApiKeyId id, Instant revokedAt);
}
