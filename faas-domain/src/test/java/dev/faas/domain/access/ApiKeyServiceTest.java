package dev.faas.domain.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.adapter.memory.InMemoryApiKeyRepository;
import dev.faas.ports.error.ApiKeyNotFoundException;
import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.in.CreateApiKeyCommand;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.ApiKeyRecord;
import dev.faas.ports.model.AuthenticatedCaller;
import dev.faas.ports.model.CreatedApiKey;
import dev.faas.ports.model.StoredApiKey;
import dev.faas.ports.out.ApiKeyRepository;
import dev.faas.testkit.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ApiKeyServiceTest {

    private static final String CONFIGURED_ADMIN = "configured-admin-key-0001";
    private static final String CONFIGURED_INVOKE = "configured-invoke-key-0001";

    private final MutableClock clock = MutableClock.atEpoch();
    private final CountingRepository repository = new CountingRepository(new InMemoryApiKeyRepository());
    /** Background lookups run at once, on the calling thread, so tests see their effect on the next call. */
    private final ApiKeyService service = new ApiKeyService(repository, clock, new SecureRandom(), Duration.ofSeconds(1),
            Runnable::run);

    // --- creating ------------------------------------------------------------------------------------------------

    @Test
    void create_returnsAPrefixedRandomKey_andStoresOnlyItsHash() {
        CreatedApiKey created = service.create(new CreateApiKeyCommand(AccessRole.INVOKE, " ci runner "));

        assertThat(created.key()).startsWith("faas_").hasSize(48).matches("faas_[A-Za-z0-9_-]{43}");
        assertThat(created.record().role()).isEqualTo(AccessRole.INVOKE);
        assertThat(created.record().description()).isEqualTo("ci runner");
        assertThat(created.record().createdAt()).isEqualTo(clock.instant());
        assertThat(created.record().revoked()).isFalse();
        assertThat(created.record().id().value()).matches("key_[0-9a-f]{16}");
        assertThat(repository.findByHash(ApiKeyService.sha256Hex(created.key())))
                .map(StoredApiKey::record).contains(created.record());
        assertThat(repository.list().toString()).doesNotContain(created.key());
        assertThat(created.toString()).doesNotContain(created.key());
    }

    @Test
    void create_neverReturnsTheSameKeyOrIdTwice() {
        Set<String> keys = new HashSet<>();
        Set<ApiKeyId> ids = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            CreatedApiKey created = service.create(new CreateApiKeyCommand(AccessRole.ADMIN, null));
            keys.add(created.key());
            ids.add(created.record().id());
        }

        assertThat(keys).hasSize(100);
        assertThat(ids).hasSize(100);
    }

    @Test
    void createCommand_refusesAnOverlongOrMultiLineDescription() {
        assertThatThrownBy(() -> new CreateApiKeyCommand(AccessRole.ADMIN, "x".repeat(201)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("200");
        assertThatThrownBy(() -> new CreateApiKeyCommand(AccessRole.ADMIN, "two\nlines"))
                .isInstanceOf(InvalidRequestException.class);
    }

    // --- authenticating ------------------------------------------------------------------------------------------

    @Test
    void givenCreatedKey_authenticate_returnsItsIdAndRole() {
        CreatedApiKey created = service.create(new CreateApiKeyCommand(AccessRole.ADMIN, "ops"));

        assertThat(service.authenticate(created.key()))
                .contains(new AuthenticatedCaller(created.record().id(), AccessRole.ADMIN));
    }

    @Test
    void givenUnknownOrSlightlyWrongKey_authenticate_returnsEmpty() {
        CreatedApiKey created = service.create(new CreateApiKeyCommand(AccessRole.ADMIN, ""));
        String key = created.key();

        assertThat(service.authenticate(key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A"))).isEmpty();
        assertThat(service.authenticate(key + "x")).isEmpty();
        assertThat(service.authenticate("faas_unknown-but-long-enough")).isEmpty();
    }

    @Test
    void givenImplausibleToken_authenticate_returnsEmptyWithoutAskingTheStore() {
        service.create(new CreateApiKeyCommand(AccessRole.ADMIN, ""));
        int before = repository.lookups.get();

        assertThat(service.authenticate(null)).isEmpty();
        assertThat(service.authenticate("")).isEmpty();
        assertThat(service.authenticate("short")).isEmpty();
        assertThat(service.authenticate("x".repeat(100_000))).isEmpty();
        assertThat(repository.lookups.get()).isEqualTo(before);
    }

    @Test
    void givenKeyJustLookedUp_authenticateAgain_answersFromTheCache() {
        CreatedApiKey created = service.create(new CreateApiKeyCommand(AccessRole.INVOKE, ""));
        service.authenticate(created.key());
        service.authenticate("faas_unknown-but-long-enough");
        int before = repository.lookups.get();

        for (int i = 0; i < 10; i++) {
            assertThat(service.authenticate(created.key())).isPresent();
            assertThat(service.authenticate("faas_unknown-but-long-enough")).isEmpty();
        }

        assertThat(repository.lookups.get()).isEqualTo(before);
    }

    @Test
    void givenCachedKey_revokeOnThisNode_makesItFailAtOnce() {
        CreatedApiKey created = service.create(new CreateApiKeyCommand(AccessRole.ADMIN, ""));
        assertThat(service.authenticate(created.key())).isPresent();

        service.revoke(created.record().id());

        assertThat(service.authenticate(created.key())).isEmpty();
    }

    @Test
    void givenCachedKey_revokedByAnotherNode_failsAfterTheCacheTimeAndOneMoreRequest() {
        CreatedApiKey created = service.create(new CreateApiKeyCommand(AccessRole.ADMIN, ""));
        assertThat(service.authenticate(created.key())).isPresent();
        int before = repository.lookups.get();

        repository.revoke(created.record().id(), clock.instant());
        clock.advance(Duration.ofMillis(999));
        assertThat(service.authenticate(created.key())).as("still cached").isPresent();
        assertThat(repository.lookups.get()).isEqualTo(before);
        clock.advance(Duration.ofMillis(1));
        assertThat(service.authenticate(created.key())).as("the stale answer, while it is looked up").isPresent();

        assertThat(service.authenticate(created.key())).isEmpty();
        assertThat(repository.lookups.get()).isEqualTo(before + 1);
    }

    @Test
    void givenCachedKey_revokedByAnotherNode_failsAtOnceWhenTheChangeIsReported() {
        CreatedApiKey created = service.create(new CreateApiKeyCommand(AccessRole.ADMIN, ""));
        CreatedApiKey other = service.create(new CreateApiKeyCommand(AccessRole.INVOKE, ""));
        assertThat(service.authenticate(created.key())).isPresent();
        assertThat(service.authenticate(other.key())).isPresent();

        repository.revoke(created.record().id(), clock.instant());
        service.keyRevoked(created.record().id());

        assertThat(service.authenticate(created.key())).isEmpty();
        assertThat(service.authenticate(other.key())).isPresent();
    }

    @Test
    void givenTokenCachedAsUnknown_keyAddedElsewhereAndReported_letsItIn() {
        String token = "a-key-made-on-another-node";
        assertThat(service.authenticate(token)).isEmpty();
        ApiKeyRecord record = new ApiKeyRecord(ApiKeyId.of("key_elsewhere"), AccessRole.INVOKE, clock.instant(),
                false, "");
        repository.add(record, ApiKeyService.sha256Hex(token));
        assertThat(service.authenticate(token)).as("the cached answer").isEmpty();

        service.keyAdded(record.id());

        assertThat(service.authenticate(token)).map(AuthenticatedCaller::keyId).contains(record.id());
    }

    @Test
    void givenNoKeyKnown_keyAddedElsewhereAndReported_turnsAuthenticationOnAtOnce() {
        assertThat(service.anyKeyConfigured()).isFalse();

        service.keyAdded(ApiKeyId.of("key_elsewhere"));

        assertThat(service.anyKeyConfigured()).isTrue();
    }

    @Test
    void givenClockSetBack_cachedLookup_isLookedUpAgain() {
        CreatedApiKey created = service.create(new CreateApiKeyCommand(AccessRole.ADMIN, ""));
        clock.advance(Duration.ofHours(1));
        assertThat(service.authenticate(created.key())).isPresent();
        repository.revoke(created.record().id(), clock.instant());

        clock.advance(Duration.ofMinutes(-30));
        service.authenticate(created.key());

        assertThat(service.authenticate(created.key())).isEmpty();
    }

    @Test
    void givenStaleAnswer_concurrentRequests_lookItUpOnceAtATime() {
        List<Runnable> queued = new ArrayList<>();
        ApiKeyService queueing = new ApiKeyService(repository, clock, new SecureRandom(), Duration.ofSeconds(1),
                queued::add);
        CreatedApiKey created = queueing.create(new CreateApiKeyCommand(AccessRole.INVOKE, ""));
        queueing.authenticate(created.key());
        clock.advance(Duration.ofSeconds(2));

        for (int i = 0; i < 5; i++) {
            assertThat(queueing.authenticate(created.key())).isPresent();
        }
        assertThat(queued).hasSize(1);
        queued.remove(0).run();
        queueing.authenticate(created.key());

        assertThat(queued).as("fresh again: nothing to look up").isEmpty();
    }

    @Test
    void givenStoreDown_keysSeenBeforeKeepWorking_andUnknownTokensFail() {
        CreatedApiKey known = service.create(new CreateApiKeyCommand(AccessRole.INVOKE, ""));
        CreatedApiKey neverSeen = service.create(new CreateApiKeyCommand(AccessRole.INVOKE, ""));
        assertThat(service.authenticate(known.key())).isPresent();

        repository.down = true;
        clock.advance(Duration.ofMinutes(5));

        assertThat(service.authenticate(known.key())).isPresent();
        assertThat(service.authenticate(known.key())).isPresent();
        assertThatThrownBy(() -> service.authenticate(neverSeen.key()))
                .isInstanceOf(RepositoryUnavailableException.class);
    }

    @Test
    void givenRevocationWhileALookupIsUnderway_theLookupsAnswer_isNotReused() {
        CreatedApiKey created = service.create(new CreateApiKeyCommand(AccessRole.ADMIN, ""));
        // The lookup reads the key, then the key is revoked on this node before the lookup's answer is cached.
        repository.duringLookup = () -> {
            repository.duringLookup = () -> { };
            service.revoke(created.record().id());
        };

        assertThat(service.authenticate(created.key())).as("read before the revocation").isPresent();

        assertThat(service.authenticate(created.key())).isEmpty();
    }

    @Test
    void givenKeyWhoseHashTheStoreReportsWrongly_authenticate_refusesIt() {
        ApiKeyService guarded = new ApiKeyService(new LyingRepository(), clock);

        assertThat(guarded.authenticate("any-token-of-plausible-length")).isEmpty();
    }

    @Test
    void givenManyMadeUpTokensOverTime_caches_stayBounded_andTheKeyStaysCached() {
        CreatedApiKey created = service.create(new CreateApiKeyCommand(AccessRole.INVOKE, ""));
        assertThat(service.authenticate(created.key())).isPresent();

        for (int i = 0; i < 3 * ApiKeyService.MAX_CACHED_UNKNOWN_TOKENS; i++) {
            service.authenticate("made-up-token-number-" + i);
            clock.advance(Duration.ofMillis(20)); // as slowly as the budget allows: every one is looked up
        }

        assertThat(service.cachedUnknownTokens()).isEqualTo(ApiKeyService.MAX_CACHED_UNKNOWN_TOKENS);
        assertThat(service.cachedKeys()).isEqualTo(1);
        repository.down = true;
        assertThat(service.authenticate(created.key())).as("still cached, though the store is down").isPresent();
    }

    // --- floods of made-up tokens --------------------------------------------------------------------------------

    @Test
    void givenTokensThatCannotBeKeys_authenticate_refusesThemWithoutAQuery() {
        int before = repository.lookups.get();

        for (String token : List.of("has spaces in it, sixteen+", "faas_\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9",
                "padding=in-the-middle-of-it", "quote\"d-token-of-length", "sixteen-chars-but:colon")) {
            assertThat(service.authenticate(token)).as(token).isEmpty();
        }

        assertThat(repository.lookups.get()).isEqualTo(before);
    }

    @Test
    void givenEveryShapeAKeyMayHave_authenticate_looksItUp() {
        CreatedApiKey generated = service.create(new CreateApiKeyCommand(AccessRole.INVOKE, ""));
        service.bootstrap(ConfiguredApiKeys.parse("Zm9vYmFyYmF6cXV4cXV1eA==:admin,a.b_c~d+e/f-g0123456:invoke", null));

        assertThat(service.authenticate(generated.key())).isPresent();
        assertThat(service.authenticate("Zm9vYmFyYmF6cXV4cXV1eA==")).isPresent();
        assertThat(service.authenticate("a.b_c~d+e/f-g0123456")).isPresent();
    }

    @Test
    void givenFloodOf100000RandomTokensAtOnce_authenticate_queriesTheStoreAtMostTheBurst() {
        CreatedApiKey known = service.create(new CreateApiKeyCommand(AccessRole.INVOKE, ""));
        assertThat(service.authenticate(known.key())).isPresent();
        int before = repository.lookups.get();

        for (int i = 0; i < 100_000; i++) {
            assertThat(service.authenticate(randomWellFormedToken())).isEmpty();
        }

        // K = the burst: the clock stands still, so the budget never refills.
        assertThat(repository.lookups.get() - before).isEqualTo(ApiKeyService.UNKNOWN_LOOKUP_BURST);
        assertThat(service.authenticate(known.key())).as("a cached key keeps working").isPresent();
    }

    @Test
    void givenFloodOf100000RandomTokensOver100Seconds_authenticate_queriesTheStoreAtMostTheBudget() {
        int before = repository.lookups.get();

        for (int i = 0; i < 100_000; i++) {
            service.authenticate(randomWellFormedToken());
            clock.advance(Duration.ofMillis(1));
        }

        // K = burst + rate x 100 s = 100 + 50 x 100 = 5,100 (instead of 100,000).
        assertThat(repository.lookups.get() - before).isLessThanOrEqualTo(
                ApiKeyService.UNKNOWN_LOOKUP_BURST + ApiKeyService.UNKNOWN_LOOKUPS_PER_SECOND * 100);
    }

    @Test
    void givenBudgetSpent_aKeyNeverSeenWaitsForTheRefill_andFindingItCostsNothing() {
        CreatedApiKey fresh = service.create(new CreateApiKeyCommand(AccessRole.INVOKE, ""));
        for (int i = 0; i < ApiKeyService.UNKNOWN_LOOKUP_BURST; i++) {
            service.authenticate(randomWellFormedToken());
        }
        int before = repository.lookups.get();

        assertThat(service.authenticate(fresh.key())).as("refused without a query while the budget is spent")
                .isEmpty();
        assertThat(repository.lookups.get()).isEqualTo(before);
        clock.advance(Duration.ofMillis(1000 / ApiKeyService.UNKNOWN_LOOKUPS_PER_SECOND));

        assertThat(service.authenticate(fresh.key())).isPresent();
        assertThat(service.authenticate(randomWellFormedToken())).as("the key's lookup was given back").isEmpty();
        assertThat(repository.lookups.get()).isEqualTo(before + 2);
    }

    @Test
    void givenUnknownToken_itIsRefusedWithoutAQueryForAWhile_thenLookedUpAgain() {
        String token = "faas_" + "u".repeat(43);
        assertThat(service.authenticate(token)).isEmpty();
        int before = repository.lookups.get();

        clock.advance(ApiKeyService.UNKNOWN_TOKEN_TTL.minusMillis(1));
        assertThat(service.authenticate(token)).isEmpty();
        assertThat(repository.lookups.get()).isEqualTo(before);

        clock.advance(Duration.ofMillis(1));
        assertThat(service.authenticate(token)).isEmpty();
        assertThat(repository.lookups.get()).isEqualTo(before + 1);
    }

    @Test
    void givenKeyCreatedOnThisNodeAfterItsTokenWasTried_authenticate_letsItInAtOnce() {
        String configured = "configured-later-key-0001";
        assertThat(service.authenticate(configured)).isEmpty();

        service.bootstrap(ConfiguredApiKeys.parse(configured + ":invoke", null));

        assertThat(service.authenticate(configured)).isPresent();
    }

    private static String randomWellFormedToken() {
        byte[] bytes = new byte[32];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(bytes);
        return ApiKeyService.KEY_PREFIX + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Counts the queries the service makes; can be taken down, or do something in the middle of a lookup. */
    private static final class CountingRepository implements ApiKeyRepository {

        private final ApiKeyRepository delegate;
        final AtomicInteger lookups = new AtomicInteger();
        final AtomicInteger lists = new AtomicInteger();
        volatile boolean down;
        volatile Runnable duringLookup = () -> { };

        CountingRepository(ApiKeyRepository delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean add(ApiKeyRecord record, String keyHash) {
            return delegate.add(record, keyHash);
        }

        @Override
        public Optional<StoredApiKey> findByHash(String keyHash) {
            checkUp();
            lookups.incrementAndGet();
            Optional<StoredApiKey> found = delegate.findByHash(keyHash);
            duringLookup.run();
            return found;
        }

        @Override
        public List<ApiKeyRecord> list() {
            checkUp();
            lists.incrementAndGet();
            return delegate.list();
        }

        private void checkUp() {
            if (down) {
                throw new RepositoryUnavailableException("the key store is down", null);
            }
        }

        @Override
        public boolean revoke(ApiKeyId id, Instant revokedAt) {
            return delegate.revoke(id, revokedAt);
        }
    }

    /** Answers every lookup with a key of another hash, as a broken store or a lossy index could. */
    private static final class LyingRepository implements ApiKeyRepository {

        @Override
        public boolean add(ApiKeyRecord record, String keyHash) {
            return false;
        }

        @Override
        public Optional<StoredApiKey> findByHash(String keyHash) {
            return Optional.of(new StoredApiKey(new ApiKeyRecord(ApiKeyId.of("key_liar"), AccessRole.ADMIN,
                    Instant.EPOCH, false, ""), "0".repeat(64)));
        }

        @Override
        public List<ApiKeyRecord> list() {
            return List.of();
        }

        @Override
        public boolean revoke(ApiKeyId id, Instant revokedAt) {
            return false;
        }
    }
}
