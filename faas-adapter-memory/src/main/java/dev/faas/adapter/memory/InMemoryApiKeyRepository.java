package dev.faas.adapter.memory;

import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.Change;
import dev.faas.ports.model.ApiKeyRecord;
import dev.faas.ports.model.StoredApiKey;
import dev.faas.ports.out.ApiKeyRepository;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link ApiKeyRepository} held in memory, lost when the process ends; thread-safe (one lock, keys are few). Every
 * key added or revoked is recorded in its change feed.
 */
public final class InMemoryApiKeyRepository implements ApiKeyRepository {

    private static final Comparator<ApiKeyRecord> OLDEST_FIRST =
            Comparator.comparing(ApiKeyRecord::createdAt).thenComparing(record -> record.id().value());

    private final Map<String, StoredApiKey> byHash = new HashMap<>();
    private final Map<ApiKeyId, String> hashById = new LinkedHashMap<>();
    private final InMemoryChangeFeed changes;

    /** A repository with a change feed of its own. */
    public InMemoryApiKeyRepository() {
        this(new InMemoryChangeFeed());
    }

    /** A repository that records its changes in {@code changes}, which a function repository may share. */
    public InMemoryApiKeyRepository(InMemoryChangeFeed changes) {
        this.changes = Objects.requireNonNull(changes, "changes");
    }

    /** The feed this repository records its changes in. */
    public InMemoryChangeFeed changes() {
        return changes;
    }

    @Override
    public synchronized boolean add(ApiKeyRecord record, String keyHash) {
        Objects.requireNonNull(record, "record");
        StoredApiKey.requireHash(keyHash);
        if (byHash.containsKey(keyHash)) {
            return false;
        }
        if (hashById.containsKey(record.id())) {
            throw new IllegalArgumentException("an API key with the id " + record.id() + " is stored already");
        }
        // Stored times have millisecond precision, like the database-backed repositories.
        ApiKeyRecord stored = new ApiKeyRecord(record.id(), record.role(),
                record.createdAt().truncatedTo(ChronoUnit.MILLIS), record.revoked(), record.description(),
                record.permissions());
        byHash.put(keyHash, new StoredApiKey(stored, keyHash));
        hashById.put(record.id(), keyHash);
        changes.record(Change.API_KEY_CREATED, record.id().value());
        return true;
    }

    @Override
    public synchronized Optional<StoredApiKey> findByHash(String keyHash) {
        Objects.requireNonNull(keyHash, "keyHash");
        return Optional.ofNullable(byHash.get(keyHash));
    }

    @Override
    public synchronized List<ApiKeyRecord> list() {
        return byHash.values().stream().map(StoredApiKey::record).sorted(OLDEST_FIRST).toList();
    }

    @Override
    public synchronized boolean revoke(ApiKeyId id, Instant revokedAt) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(revokedAt, "revokedAt");
        String hash = hashById.get(id);
        if (hash == null) {
            return false;
        }
        StoredApiKey stored = byHash.get(hash);
        if (!stored.record().revoked()) {
            byHash.put(hash, new StoredApiKey(stored.record().asRevoked(), hash));
            changes.record(Change.API_KEY_REVOKED, id.value());
        }
        return true;
    }
}
