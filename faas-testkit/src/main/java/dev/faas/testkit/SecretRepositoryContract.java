package dev.faas.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.ports.model.SecretName;
import dev.faas.ports.model.SecretRecord;
import dev.faas.ports.model.StoredSecret;
import dev.faas.ports.out.SecretRepository;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SecretRepository} must show; subclass it once per implementation. Each test uses names
 * of its own, so implementations that keep one database across tests pass too.
 */
public abstract class SecretRepositoryContract extends RepositoryContract<SecretRepository> {

    private static final Instant CREATED_AT = Instant.parse("2024-02-29T23:59:58.123Z");
    private static final Instant ROTATED_AT = Instant.parse("2024-03-01T10:00:00.456Z");

    @Test
    void put_thenFind_returnsTheSealedValueAndDates() {
        SecretName name = unique("db");
        byte[] sealed = {1, 2, 3, 0, -1, 127};
        repository().put(new StoredSecret(new SecretRecord(name, CREATED_AT, CREATED_AT), sealed));

        StoredSecret found = repository().find(name).orElseThrow();

        assertThat(found.record()).isEqualTo(new SecretRecord(name, CREATED_AT, CREATED_AT));
        assertThat(found.sealedValue()).isEqualTo(sealed);
    }

    @Test
    void putAgain_replacesTheValueAndUpdateTime_keepingTheCreationTime() {
        SecretName name = unique("rotated");
        repository().put(new StoredSecret(new SecretRecord(name, CREATED_AT, CREATED_AT), new byte[] {1}));
        repository().put(new StoredSecret(new SecretRecord(name, ROTATED_AT, ROTATED_AT), new byte[] {2, 2}));

        StoredSecret found = repository().find(name).orElseThrow();

        assertThat(found.record()).isEqualTo(new SecretRecord(name, CREATED_AT, ROTATED_AT));
        assertThat(found.sealedValue()).isEqualTo(new byte[] {2, 2});
    }

    @Test
    void list_holdsEverySecretByName_andDelete_removesOneOnce() {
        SecretName first = unique("a-first");
        SecretName second = unique("b-second");
        repository().put(new StoredSecret(new SecretRecord(second, CREATED_AT, CREATED_AT), new byte[] {2}));
        repository().put(new StoredSecret(new SecretRecord(first, CREATED_AT, CREATED_AT), new byte[] {1}));

        List<SecretName> names = repository().list().stream().map(secret -> secret.record().name()).toList();
        assertThat(names).containsSubsequence(first, second);

        assertThat(repository().delete(first)).isTrue();
        assertThat(repository().delete(first)).isFalse();
        assertThat(repository().find(first)).isEmpty();
        assertThat(repository().find(second)).isPresent();
    }

    @Test
    void concurrentPutsOfANewName_allSucceed_andOneValueIsKept() throws Exception {
        SecretName name = unique("raced");

        List<Integer> done = Concurrently.run(8, index -> {
            repository().put(new StoredSecret(new SecretRecord(name, CREATED_AT, CREATED_AT),
                    new byte[] {(byte) index}));
            return index;
        });

        assertThat(done).hasSize(8);
        assertThat(repository().find(name).orElseThrow().sealedValue()).hasSize(1);
        assertThat(repository().list().stream().filter(secret -> secret.record().name().equals(name))).hasSize(1);
    }

    private static SecretName unique(String prefix) {
        return SecretName.of(prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
    }
}
