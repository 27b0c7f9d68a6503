package dev.faas.adapter.memory;

import dev.faas.ports.model.SecretName;
import dev.faas.ports.model.StoredSecret;
import dev.faas.ports.out.SecretRepository;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** A {@link SecretRepository} held in memory (sealed values only), lost when the process ends; thread-safe. */
public final class InMemorySecretRepository implements SecretRepository {

    private final ConcurrentSkipListMap<SecretName, StoredSecret> secrets = new ConcurrentSkipListMap<>();

    @Override
    public void put(StoredSecret secret) {
        Objects.requireNonNull(secret, "secret");
        secrets.merge(secret.record().name(), secret, (stored, update) -> new StoredSecret(
                new dev.faas.ports.model.SecretRecord(stored.record().name(), stored.record().createdAt(),
                        update.record().updatedAt()), update.sealedValue()));
    }

    @Override
    public Optional<StoredSecret> find(SecretName name) {
        return Optional.ofNullable(secrets.get(Objects.requireNonNull(name, "name")));
    }

    @Override
    public List<StoredSecret> list() {
        return List.copyOf(secrets.values());
    }

    @Override
    public boolean delete(SecretName name) {
        return secrets.remove(Objects.requireNonNull(name, "name")) != null;
    }
}
