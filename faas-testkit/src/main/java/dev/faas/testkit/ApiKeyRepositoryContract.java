package dev.faas.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.ApiKeyPermission;
import dev.faas.ports.model.ApiKeyRecord;
import dev.faas.ports.model.StoredApiKey;
import dev.faas.ports.out.ApiKeyRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link ApiKeyRepository} must show; subclass it once per implementation. Each test uses ids and
 * hashes of its own, so implementations that keep one database across tests pass too.
 */
public abstract class ApiKeyRepositoryContract extends RepositoryContract<ApiKeyRepository> {

    /** Whole milliseconds, so a stored record compares equal to what was added. */
    private static final Instant CREATED_AT = Instant.parse("2024-02-29T23:59:58.123Z");

    @Test
    void givenNewKey_add_returnsTrue_andFindByHashReturnsEveryFieldExactly() {
        ApiKeyRecord record = new ApiKeyRecord(uniqueId(), AccessRole.ADMIN, Instant.parse("2023-10-29T01:30:45.987654321Z"),
                false, "CI of grüße/你好 \uD83D\uDE80, quotes ' \" and a backslash \\");
        String hash = uniqueHash();

        assertThat(repository().add(record, hash)).isTrue();

        ApiKeyRecord expected = new ApiKeyRecord(record.id(), AccessRole.ADMIN, Instant.parse("2023-10-29T01:30:45.987Z"),
                false, record.description());
        assertThat(repository().findByHash(hash)).contains(new StoredApiKey(expected, hash));
    }

    @Test
    void givenKeyWithTheEgressPermission_add_findByHashAndListReturnItWithThePermission() {
        ApiKeyRecord record = new ApiKeyRecord(uniqueId(), AccessRole.ADMIN, CREATED_AT, false, "deploys fetchers",
                Set.of(ApiKeyPermission.EGRESS));
        String hash = uniqueHash();

        repository().add(record, hash);

        assertThat(repository().findByHash(hash)).map(StoredApiKey::record).contains(record);
        assertThat(repository().findByHash(hash).orElseThrow().record().holds(ApiKeyPermission.EGRESS)).isTrue();
        assertThat(repository().list()).contains(record);
    }

    @Test
    void givenKeyAddedWithoutPermissions_findByHash_holdsNone() {
        ApiKeyRecord record = newRecord(AccessRole.ADMIN, CREATED_AT, "no egress");
        String hash = uniqueHash();

        repository().add(record, hash);

        assertThat(repository().findByHash(hash)).map(stored -> stored.record().permissions()).contains(Set.of());
    }

    @Test
    void givenKeyWithTheEgressPermission_revoke_keepsThePermissionOnTheRevokedRecord() {
        ApiKeyRecord record = new ApiKeyRecord(uniqueId(), AccessRole.INVOKE, CREATED_AT, false, "",
                Set.of(ApiKeyPermission.EGRESS));
        String hash = uniqueHash();
        repository().add(record, hash);

        repository().revoke(record.id(), CREATED_AT.plusSeconds(1));

        assertThat(repository().findByHash(hash)).map(StoredApiKey::record).contains(record.asRevoked());
        assertThat(record.asRevoked().permissions()).containsExactly(ApiKeyPermission.EGRESS);
    }

    @Test
    void givenEmptyDescription_findByHash_returnsItEmpty() {
        ApiKeyRecord record = newRecord(AccessRole.INVOKE, CREATED_AT, "");
        String hash = uniqueHash();
        repository().add(record, hash);

        assertThat(repository().findByHash(hash)).map(stored -> stored.record().description()).contains("");
    }

    @Test
    void givenUnknownHash_findByHash_returnsEmpty() {
        repository().add(newRecord(AccessRole.INVOKE, CREATED_AT, "known"), uniqueHash());

        assertThat(repository().findByHash(uniqueHash())).isEmpty();
    }

    @Test
    void givenStoredHash_addAgain_returnsFalseAndKeepsTheFirstKey() {
        String hash = uniqueHash();
        ApiKeyRecord first = newRecord(AccessRole.INVOKE, CREATED_AT, "first");
        repository().add(first, hash);

        boolean added = repository().add(newRecord(AccessRole.ADMIN, CREATED_AT.plusSeconds(1), "second"), hash);

        assertThat(added).isFalse();
        assertThat(repository().findByHash(hash)).map(StoredApiKey::record).contains(first);
    }

    @Test
    void givenKeysAddedOutOfOrder_list_returnsThemOldestFirstThenById() {
        Instant base = Instant.parse("2025-06-01T12:00:00Z");
        String prefix = "k" + uniqueSuffix();
        ApiKeyRecord newest = new ApiKeyRecord(ApiKeyId.of(prefix + "a"), AccessRole.INVOKE, base.plusMillis(2), false, "");
        ApiKeyRecord tieB = new ApiKeyRecord(ApiKeyId.of(prefix + "c"), AccessRole.ADMIN, base.plusMillis(1), false, "");
        ApiKeyRecord tieA = new ApiKeyRecord(ApiKeyId.of(prefix + "b"), AccessRole.INVOKE, base.plusMillis(1), false, "");
        ApiKeyRecord oldest = new ApiKeyRecord(ApiKeyId.of(prefix + "d"), AccessRole.ADMIN, base, false, "");
        for (ApiKeyRecord record : List.of(newest, tieB, tieA, oldest)) {
            repository().add(record, uniqueHash());
        }

        List<ApiKeyRecord> mine = repository().list().stream()
                .filter(record -> record.id().value().startsWith(prefix)).toList();

        assertThat(mine).containsExactly(oldest, tieA, tieB, newest);
    }

    @Test
    void givenStoredKey_revoke_returnsTrue_andFindAndListShowItRevoked() {
        ApiKeyRecord record = newRecord(AccessRole.ADMIN, CREATED_AT, "to revoke");
        String hash = uniqueHash();
        repository().add(record, hash);

        assertThat(repository().revoke(record.id(), CREATED_AT.plusSeconds(60))).isTrue();

        assertThat(repository().findByHash(hash)).contains(new StoredApiKey(record.asRevoked(), hash));
        assertThat(repository().list()).contains(record.asRevoked()).doesNotContain(record);
    }

    @Test
    void givenRevokedKey_revokeAgain_returnsTrueAndItStaysRevoked() {
        ApiKeyRecord record = newRecord(AccessRole.INVOKE, CREATED_AT, "");
        String hash = uniqueHash();
        repository().add(record, hash);
        repository().revoke(record.id(), CREATED_AT.plusSeconds(1));

        assertThat(repository().revoke(record.id(), CREATED_AT.plusSeconds(2))).isTrue();
        assertThat(repository().findByHash(hash)).map(stored -> stored.record().revoked()).contains(true);
    }

    @Test
    void givenRevokedKey_addOfTheSameHash_returnsFalseAndItStaysRevoked() {
        ApiKeyRecord record = newRecord(AccessRole.ADMIN, CREATED_AT, "");
        String hash = uniqueHash();
        repository().add(record, hash);
        repository().revoke(record.id(), CREATED_AT.plusSeconds(1));

        assertThat(repository().add(newRecord(AccessRole.ADMIN, CREATED_AT.plusSeconds(2), ""), hash)).isFalse();
        assertThat(repository().findByHash(hash)).map(StoredApiKey::record).contains(record.asRevoked());
    }

    @Test
    void givenUnknownId_revoke_returnsFalse() {
        assertThat(repository().revoke(uniqueId(), CREATED_AT)).isFalse();
    }

    @Test
    void givenTwoKeys_revokeOne_leavesTheOtherAlone() {
        ApiKeyRecord kept = newRecord(AccessRole.INVOKE, CREATED_AT, "kept");
        ApiKeyRecord revoked = newRecord(AccessRole.INVOKE, CREATED_AT, "revoked");
        String keptHash = uniqueHash();
        repository().add(kept, keptHash);
        repository().add(revoked, uniqueHash());

        repository().revoke(revoked.id(), CREATED_AT.plusSeconds(1));

        assertThat(repository().findByHash(keptHash)).map(StoredApiKey::record).contains(kept);
    }

    @Test
    void givenMalformedHash_add_isRefused() {
        ApiKeyRecord record = newRecord(AccessRole.INVOKE, CREATED_AT, "");

        assertThatThrownBy(() -> repository().add(record, "ABC")).isInstanceOf(IllegalArgumentException.class);
        assertThat(repository().list()).extracting(ApiKeyRecord::id).doesNotContain(record.id());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void givenTwentyThreads_addOfOneHash_addsItExactlyOnce() throws Exception {
        String hash = uniqueHash();
        int threads = 20;
        List<ApiKeyRecord> records = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            records.add(newRecord(AccessRole.INVOKE, CREATED_AT, "thread " + i));
        }

        List<Boolean> added = Concurrently.run(threads, thread -> repository().add(records.get(thread), hash));

        assertThat(added).containsOnlyOnce(true);
        ApiKeyRecord winner = records.get(added.indexOf(true));
        assertThat(repository().findByHash(hash)).map(StoredApiKey::record).contains(winner);
        Set<ApiKeyId> ids = records.stream().map(ApiKeyRecord::id).collect(Collectors.toSet());
        assertThat(repository().list()).filteredOn(record -> ids.contains(record.id())).containsExactly(winner);
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    protected static ApiKeyRecord newRecord(AccessRole role, Instant createdAt, String description) {
        return new ApiKeyRecord(uniqueId(), role, createdAt, false, description);
    }

    /** An id no other test (nor an earlier run against the same database) uses. */
    protected static ApiKeyId uniqueId() {
        return ApiKeyId.of("key_" + uniqueSuffix());
    }

    /** A well-formed hash no other test uses; it need not be the hash of anything. */
    protected static String uniqueHash() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String uniqueSuffix() {
        return Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
    }
}
