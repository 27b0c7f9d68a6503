package dev.faas.domain.secrets;

import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.MissingSecretException;
import dev.faas.ports.error.PayloadTooLargeException;
import dev.faas.ports.error.SecretNotFoundException;
import dev.faas.ports.error.SecretsNotConfiguredException;
import dev.faas.ports.error.UnknownSecretException;
import dev.faas.ports.in.ManageSecretsUseCase;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.SecretName;
import dev.faas.ports.model.SecretRecord;
import dev.faas.ports.model.StoredSecret;
import dev.faas.ports.out.SecretRepository;
import dev.faas.ports.out.Specialisation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The secrets: stores values sealed with the node's {@link SecretCipher} (the store sees only ciphertext), lists
 * names and dates, deletes, and opens the values a version reads when one of its instances is specialised. Without a
 * cipher (no {@code FAAS_SECRETS_KEY}) every operation that touches a secret throws
 * {@link SecretsNotConfiguredException}, whose message says how to set one. No message of this class quotes a value.
 * Thread-safe.
 */
public final class SecretService implements ManageSecretsUseCase, SecretAccess {

    private final SecretRepository repository;
    private final SecretCipher cipher;
    private final Clock clock;

    /** @param cipher the node's key, or null when it has none */
    public SecretService(SecretRepository repository, SecretCipher cipher, Clock clock) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.cipher = cipher;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether the node has a key, so secrets can be stored and delivered. */
    public boolean enabled() {
        return cipher != null;
    }

    @Override
    public SecretRecord put(SecretName name, String value) {
        SecretCipher key = requireKey();
        Objects.requireNonNull(name, "name");
        if (value == null) {
            throw new InvalidRequestException("value", "'value' is required");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
            throw new PayloadTooLargeException("the secret's value", MAX_VALUE_BYTES);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant createdAt = repository.find(name).map(stored -> stored.record().createdAt()).orElse(now);
        SecretRecord record = new SecretRecord(name, createdAt, now);
        repository.put(new StoredSecret(record, key.seal(name, value)));
        return record;
    }

    @Override
    public List<SecretRecord> list() {
        requireKey();
        return repository.list().stream().map(StoredSecret::record).toList();
    }

    @Override
    public void delete(SecretName name) {
        requireKey();
        if (!repository.delete(name)) {
            throw new SecretNotFoundException(name);
        }
    }

    @Override
    public void requireStored(List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        requireKey();
        List<String> unknown = names.stream()
                .filter(name -> repository.find(SecretName.of(name)).isEmpty())
                .toList();
        if (!unknown.isEmpty()) {
            throw new UnknownSecretException(unknown);
        }
    }

    @Override
    public Specialisation specialise(FunctionDefinition definition) {
        List<String> names = definition.options().secrets();
        if (names.isEmpty()) {
            return Specialisation.NONE;
        }
        SecretCipher key = requireKey();
        Map<String, String> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            SecretName secretName = SecretName.of(name);
            Optional<StoredSecret> stored = repository.find(secretName);
            if (stored.isEmpty()) {
                missing.add(name);
            } else {
                values.put(name, key.open(secretName, stored.get().sealedValue()));
            }
        }
        if (!missing.isEmpty()) {
            throw new MissingSecretException(definition.id(), missing);
        }
        return new Specialisation(values);
    }

    private SecretCipher requireKey() {
        if (cipher == null) {
            throw new SecretsNotConfiguredException();
        }
        return cipher;
    }
}
