package dev.faas.domain.access;

import dev.faas.ports.error.ApiKeyNotFoundException;
import dev.faas.ports.error.PermissionNotHeldException;
import dev.faas.ports.in.AuthenticateUseCase;
import dev.faas.ports.in.CreateApiKeyCommand;
import dev.faas.ports.in.ManageApiKeysUseCase;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.ApiKeyPermission;
import dev.faas.ports.model.ApiKeyRecord;
import dev.faas.ports.model.AuthenticatedCaller;
import dev.faas.ports.model.CreatedApiKey;
import dev.faas.ports.model.StoredApiKey;
import dev.faas.ports.out.ApiKeyRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * API keys: creates them from a {@link SecureRandom}, stores only their SHA-256, authenticates bearer tokens by that
 * hash, revokes keys and adds the configured ones at start. Thread-safe. No key ever reaches a log or an exception
 * message.
 *
 * <p>Lookups are cached, so a request costs no query: a revocation on this node invalidates the cache at once, and
 * one on another node sharing the store as soon as this node's change follower reports it ({@link #keyRevoked});
 * an answer older than {@link #DEFAULT_CACHE_TTL} is still given once more while it is looked up again in the
 * background, which bounds staleness when no follower runs. No request waits for the store or fails while it is
 * down, as long as its key was seen before. A token never seen is looked up while the caller waits.
 *
 * <p>Authentication cannot be used to load the store: a token that cannot be a key ({@link
 * ConfiguredApiKeys#plausible}) is refused without a query; a token the store does not know is remembered as
 * unknown for {@link #UNKNOWN_TOKEN_TTL}; and lookups of tokens not cached have a budget ({@link
 * #UNKNOWN_LOOKUP_BURST} at once, {@link #UNKNOWN_LOOKUPS_PER_SECOND} a second after that), spent only by tokens
 * that turn out not to be keys. Random tokens are all distinct, so only that budget bounds their queries: past it,
 * unknown tokens are refused without one, while cached keys keep working. Known keys and unknown tokens are cached
 * apart, each bounded, so no flood of made-up tokens evicts a key.
 */
public final class ApiKeyService implements AuthenticateUseCase, ManageApiKeysUseCase {

    /** Every generated key starts with this, so secret scanners and people can recognise one. */
    public static final String KEY_PREFIX = "faas_";
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(1);
    /** Keys cached at most; past it the key looked up longest ago makes room. */
    static final int MAX_CACHED_KEYS = 10_000;
    /** Unknown tokens remembered at most; past it the oldest is forgotten. Never evicts a key. */
    static final int MAX_CACHED_UNKNOWN_TOKENS = 10_000;
    /** How long a token the store does not know is refused without asking again; a key added meanwhile is reported. */
    public static final Duration UNKNOWN_TOKEN_TTL = Duration.ofSeconds(10);
    /**
     * Lookups of uncached tokens that may be spent at once. Generous enough for every client of a freshly started
     * node to be looked up together (a key found gives its lookup back), small enough to be a moment's work.
     */
    static final int UNKNOWN_LOOKUP_BURST = 100;
    /** Lookups of tokens that turn out unknown, a second, once the burst is spent: indexed reads a store shrugs off. */
    static final int UNKNOWN_LOOKUPS_PER_SECOND = 50;
    private static final long BUDGET_WARNING_INTERVAL_MILLIS = 60_000;
    private static final int KEY_BYTES = 32;
    private static final int ID_BYTES = 8;

    private static final int REFRESH_THREADS = 4;
    private static final long NEVER = Long.MIN_VALUE;

    private static final System.Logger LOG = System.getLogger(ApiKeyService.class.getName());

    private final ApiKeyRepository repository;
    private final Clock clock;
    private final SecureRandom random;
    private final long cacheTtlMillis;

    /** Keys by hash; an entry is used while its generation is current, and looked up again when stale. */
    private final Map<String, CachedLookup> keys = new ConcurrentHashMap<>();
    /** Hashes of tokens the store did not know, oldest first; guarded by itself. */
    private final LinkedHashMap<String, CachedLookup> unknownTokens = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CachedLookup> eldest) {
            return size() > MAX_CACHED_UNKNOWN_TOKENS;
        }
    };
    private final LookupBudget unknownLookups;
    private final AtomicLong budgetWarnedAtMillis = new AtomicLong(NEVER);
    /** Moved on by every revocation on this node, which so invalidates every cached lookup at once. */
    private final AtomicLong generation = new AtomicLong();
    /** Hashes being looked up again in the background; one lookup per hash at a time. */
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean checkingForKeys = new AtomicBoolean();
    private final Executor refresher;
    /** Keys are never deleted, so once any exists this stays true. */
    private volatile boolean anyKeyStored;
    private volatile long noKeyCheckedAtMillis = NEVER;

    /** A service with a one-second cache, refreshed on a few daemon threads of its own. */
    public ApiKeyService(ApiKeyRepository repository, Clock clock) {
        this(repository, clock, new SecureRandom(), DEFAULT_CACHE_TTL, refreshThreads());
    }

    /** @param refresher runs the background lookups of answers older than {@code cacheTtl} */
    public ApiKeyService(ApiKeyRepository repository, Clock clock, SecureRandom random, Duration cacheTtl,
                         Executor refresher) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.cacheTtlMillis = cacheTtl.toMillis();
        this.refresher = Objects.requireNonNull(refresher, "refresher");
        this.unknownLookups = new LookupBudget(UNKNOWN_LOOKUP_BURST, UNKNOWN_LOOKUPS_PER_SECOND, clock.millis());
    }

    // --- authentication ------------------------------------------------------------------------------------------

    @Override
    public Optional<AuthenticatedCaller> authenticate(String bearerToken) {
        if (!ConfiguredApiKeys.plausible(bearerToken)) {
            return Optional.empty();
        }
        String hash = sha256Hex(bearerToken);
        long currentGeneration = generation.get();
        CachedLookup key = keys.get(hash);
        if (key != null && key.generation() == currentGeneration) {
            if (isStale(key.cachedAtMillis())) {
                refreshInBackground(hash);
            }
            return key.caller();
        }
        CachedLookup unknown;
        synchronized (unknownTokens) {
            unknown = unknownTokens.get(hash);
        }
        if (unknown != null && unknown.generation() == currentGeneration
                && !isOlderThan(unknown.cachedAtMillis(), UNKNOWN_TOKEN_TTL.toMillis())) {
            return Optional.empty();
        }
        if (!unknownLookups.tryTake(clock.millis())) {
            warnBudgetSpent();
            return Optional.empty();
        }
        Optional<AuthenticatedCaller> caller = lookUp(hash);
        if (caller.isPresent()) {
            unknownLookups.giveBack();
        }
        return caller;
    }

    private void warnBudgetSpent() {
        long now = clock.millis();
        long warnedAt = budgetWarnedAtMillis.get();
        if ((warnedAt == NEVER || isOlderThan(warnedAt, BUDGET_WARNING_INTERVAL_MILLIS))
                && budgetWarnedAtMillis.compareAndSet(warnedAt, now)) {
            LOG.log(System.Logger.Level.WARNING, "more than " + UNKNOWN_LOOKUPS_PER_SECOND + " unknown API keys a"
                    + " second: tokens not seen before are refused without a lookup for now; known keys still work");
        }
    }

    @Override
    public boolean anyKeyConfigured() {
        if (anyKeyStored) {
            return true;
        }
        long checkedAt = noKeyCheckedAtMillis;
        if (checkedAt == NEVER) {
            return checkForKeys();
        }
        if (isStale(checkedAt) && checkingForKeys.compareAndSet(false, true)) {
            // Another node sharing the store may have added a key; until the answer comes, nothing has changed.
            try {
                refresher.execute(() -> {
                    try {
                        checkForKeys();
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.DEBUG, "cannot check the key store for keys: " + e.getMessage());
                    } finally {
                        checkingForKeys.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                checkingForKeys.set(false);
            }
        }
        return anyKeyStored;
    }

    private boolean checkForKeys() {
        long now = clock.millis();
        if (!repository.list().isEmpty()) {
            anyKeyStored = true;
            return true;
        }
        noKeyCheckedAtMillis = now;
        return false;
    }

    private Optional<AuthenticatedCaller> lookUp(String hash) {
        long lookupGeneration = generation.get();
        long now = clock.millis();
        Optional<AuthenticatedCaller> caller = repository.findByHash(hash)
                .filter(stored -> sameHash(stored.keyHash(), hash))
                .filter(stored -> !stored.record().revoked())
                .map(stored -> new AuthenticatedCaller(stored.record().id(), stored.record().role(),
                        stored.record().permissions()));
        // Tagged with the generation read before the query, so a revocation meanwhile makes this entry stale.
        CachedLookup lookup = new CachedLookup(caller, lookupGeneration, now);
        if (caller.isPresent()) {
            if (keys.size() >= MAX_CACHED_KEYS && !keys.containsKey(hash)) {
                evictKeyLookedUpLongestAgo();
            }
            keys.put(hash, lookup);
            synchronized (unknownTokens) {
                unknownTokens.remove(hash);
            }
        } else {
            keys.remove(hash);
            synchronized (unknownTokens) {
                unknownTokens.put(hash, lookup);
            }
        }
        return caller;
    }

    /** Only with more keys in use than are cached: a scan, but rare, and only ever of keys. */
    private void evictKeyLookedUpLongestAgo() {
        keys.entrySet().stream()
                .min(Comparator.comparingLong(entry -> entry.getValue().cachedAtMillis()))
                .ifPresent(oldest -> keys.remove(oldest.getKey(), oldest.getValue()));
    }

    private void refreshInBackground(String hash) {
        if (!refreshing.add(hash)) {
            return;
        }
        try {
            refresher.execute(() -> {
                try {
                    lookUp(hash);
                } catch (RuntimeException e) {
                    // The store is down: the last answer stands until it is back.
                    LOG.log(System.Logger.Level.DEBUG, "cannot refresh an API key lookup: " + e.getMessage());
                } finally {
                    refreshing.remove(hash);
                }
            });
        } catch (RejectedExecutionException e) {
            refreshing.remove(hash);
        }
    }

    /**
     * At most {@link #REFRESH_THREADS} lookups at once and a bounded queue, so a store that hangs ties up a few
     * threads, not one per key; a refresh that does not fit is skipped and asked for again by the next request.
     */
    private static Executor refreshThreads() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(REFRESH_THREADS, REFRESH_THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(MAX_CACHED_KEYS), runnable -> {
                    Thread thread = new Thread(runnable, "faas-api-key-refresh");
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** Whether an answer of {@code sinceMillis} is due to be looked up again; a clock set back makes it due. */
    private boolean isStale(long sinceMillis) {
        return isOlderThan(sinceMillis, cacheTtlMillis);
    }

    /** Whether {@code sinceMillis} is at least {@code ageMillis} ago; a clock set back makes it so. */
    private boolean isOlderThan(long sinceMillis, long ageMillis) {
        long now = clock.millis();
        return now < sinceMillis || now - sinceMillis >= ageMillis;
    }

    // --- management ----------------------------------------------------------------------------------------------

    @Override
    public CreatedApiKey create(CreateApiKeyCommand command) {
        Objects.requireNonNull(command, "command");
        if (command.grantedBy() != null) {
            // A key hands on only what it holds, so no key gets a permission through a key it creates itself.
            for (ApiKeyPermission permission : command.permissions()) {
                if (!command.grantedBy().holds(permission)) {
                    throw new PermissionNotHeldException(permission);
                }
            }
        }
        String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(KEY_BYTES));
        ApiKeyRecord record = store(key, command.role(), command.description(), command.permissions());
        LOG.log(System.Logger.Level.INFO, "API key " + record.id() + " created with role " + record.role()
                + permissionsNote(record.permissions()) + (command.grantedBy() == null ? ""
                : " by " + command.grantedBy().keyId()));
        return new CreatedApiKey(record, key);
    }

    @Override
    public List<ApiKeyRecord> list() {
        return repository.list();
    }

    @Override
    public ApiKeyRecord find(ApiKeyId id) {
        Objects.requireNonNull(id, "id");
        // Keys are few and managed rarely: a port method of its own would not pay.
        return repository.list().stream()
                .filter(record -> record.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new ApiKeyNotFoundException(id));
    }

    @Override
    public void revoke(ApiKeyId id) {
        Objects.requireNonNull(id, "id");
        if (!repository.revoke(id, now())) {
            throw new ApiKeyNotFoundException(id);
        }
        dropCachedLookups();
        LOG.log(System.Logger.Level.INFO, "API key " + id + " revoked");
    }

    /**
     * Key {@code id} was revoked, on another node sharing the store or on this one: no cached answer lets it in any
     * more. Lookups are cached by the key's hash, which the id does not give, so every cached answer is dropped;
     * revocations are rare.
     */
    public void keyRevoked(ApiKeyId id) {
        Objects.requireNonNull(id, "id");
        dropCachedLookups();
    }

    /**
     * Key {@code id} was added, on another node sharing the store or on this one: authentication is on from now
     * (keys are never deleted), and a cached "no such key" no longer hides it.
     */
    public void keyAdded(ApiKeyId id) {
        Objects.requireNonNull(id, "id");
        anyKeyStored = true;
        dropCachedLookups();
    }

    /** Makes every cached lookup stale at once, those being made now included (they carry the old generation). */
    private void dropCachedLookups() {
        generation.incrementAndGet();
        keys.clear();
        synchronized (unknownTokens) {
            unknownTokens.clear();
        }
    }

    /**
     * Adds the configured keys whose hash is not stored yet, so running it at every start adds each key once. A
     * configured key that is stored already keeps its stored role, permissions and state: a key revoked through the API stays
     * revoked (a warning says so); to change a key's role or permissions, configure a new key.
     *
     * @return how many keys were added
     */
    public int bootstrap(List<ConfiguredApiKey> configured) {
        int added = 0;
        for (ConfiguredApiKey key : configured) {
            String hash = sha256Hex(key.key());
            Optional<StoredApiKey> stored = repository.findByHash(hash);
            if (stored.isEmpty()) {
                ApiKeyRecord record = store(key.key(), key.role(), "configured in " + key.source(),
                        key.permissions());
                LOG.log(System.Logger.Level.INFO, "API key " + record.id() + " (" + key.source() + ") added with role "
                        + record.role() + permissionsNote(record.permissions()));
                added++;
                continue;
            }
            ApiKeyRecord record = stored.get().record();
            if (record.revoked()) {
                LOG.log(System.Logger.Level.WARNING, "the API key of " + key.source() + " (" + record.id()
                        + ") was revoked and stays revoked; remove it from the configuration");
            } else if (record.role() != key.role()) {
                LOG.log(System.Logger.Level.WARNING, "the API key of " + key.source() + " (" + record.id()
                        + ") is stored with the role '" + record.role() + "', which it keeps; configure a new key"
                        + " to get the role '" + key.role() + "'");
            } else if (!record.permissions().equals(key.permissions())) {
                LOG.log(System.Logger.Level.WARNING, "the API key of " + key.source() + " (" + record.id()
                        + ") is stored with the permissions " + names(record.permissions()) + ", which it keeps;"
                        + " configure a new key to get the permissions " + names(key.permissions()));
            }
        }
        return added;
    }

    private static String permissionsNote(Set<ApiKeyPermission> permissions) {
        return permissions.isEmpty() ? "" : " and the permissions " + names(permissions);
    }

    private static String names(Set<ApiKeyPermission> permissions) {
        return permissions.stream().map(ApiKeyPermission::wireName).sorted().toList().toString();
    }

    private ApiKeyRecord store(String key, AccessRole role, String description, Set<ApiKeyPermission> permissions) {
        ApiKeyId id = new ApiKeyId("key_" + HexFormat.of().formatHex(randomBytes(ID_BYTES)));
        ApiKeyRecord record = new ApiKeyRecord(id, role, now(), false, description, permissions);
        if (!repository.add(record, sha256Hex(key))) {
            // Only a configured key raced by another node can get here; it is stored, which is what was wanted.
            LOG.log(System.Logger.Level.INFO, "an API key of the same hash was stored meanwhile");
        }
        anyKeyStored = true;
        synchronized (unknownTokens) {
            unknownTokens.remove(sha256Hex(key)); // tried before it existed: no longer unknown
        }
        return record;
    }

    /** How many keys are cached now, for tests. */
    int cachedKeys() {
        return keys.size();
    }

    /** How many unknown tokens are remembered now, for tests. */
    int cachedUnknownTokens() {
        synchronized (unknownTokens) {
            return unknownTokens.size();
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    /** The SHA-256 of the key's UTF-8 bytes as 64 lower-case hex digits, the form every store keeps. */
    public static String sha256Hex(String key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Compares in time independent of where the hashes differ. */
    private static boolean sameHash(String stored, String presented) {
        return MessageDigest.isEqual(stored.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    private record CachedLookup(Optional<AuthenticatedCaller> caller, long generation, long cachedAtMillis) {
    }
}
