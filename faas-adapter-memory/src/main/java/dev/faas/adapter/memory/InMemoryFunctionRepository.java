package dev.faas.adapter.memory;

import dev.faas.ports.model.Change;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.FunctionSummary;
import dev.faas.ports.model.NewFunctionVersion;
import dev.faas.ports.out.ChangeFeed;
import dev.faas.ports.out.FunctionRepository;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link FunctionRepository} held in memory, lost when the process ends; thread-safe, with lock-free reads and one
 * lock per function name for writes. Every delete is recorded in its {@link #changes()} feed, as the database-backed
 * repository records it in its change log.
 */
public final class InMemoryFunctionRepository implements FunctionRepository {

    /** Sorted by name so {@link #list} pages without sorting; an entry stays after its last delete to keep its counter. */
    private final ConcurrentNavigableMap<FunctionName, NameEntry> entries = new ConcurrentSkipListMap<>();
    private final InMemoryChangeFeed changes;

    /** A repository with a change feed of its own. */
    public InMemoryFunctionRepository() {
        this(new InMemoryChangeFeed());
    }

    /** A repository that records its deletes in {@code changes}, which an API key repository may share. */
    public InMemoryFunctionRepository(InMemoryChangeFeed changes) {
        this.changes = Objects.requireNonNull(changes, "changes");
    }

    /** The feed this repository records its deletes in. */
    public InMemoryChangeFeed changes() {
        return changes;
    }

    @Override
    public Optional<ChangeFeed> changeFeed() {
        return Optional.of(changes);
    }

    @Override
    public FunctionDefinition add(NewFunctionVersion version) {
        Objects.requireNonNull(version, "version");
        return entries.computeIfAbsent(version.name(), name -> new NameEntry()).add(version, changes);
    }

    @Override
    public Optional<FunctionDefinition> find(FunctionId id) {
        Objects.requireNonNull(id, "id");
        return Optional.ofNullable(liveVersions(id.name()).get(id.version()));
    }

    @Override
    public Optional<FunctionDefinition> findLatest(FunctionName name) {
        Map.Entry<Integer, FunctionDefinition> latest = liveVersions(name).lastEntry();
        return latest == null ? Optional.empty() : Optional.of(latest.getValue());
    }

    @Override
    public List<FunctionDefinition> versions(FunctionName name) {
        return List.copyOf(liveVersions(name).values());
    }

    @Override
    public List<FunctionSummary> list(FunctionName afterName, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        NavigableMap<FunctionName, NameEntry> candidates = afterName == null ? entries : entries.tailMap(afterName, false);
        List<FunctionSummary> page = new ArrayList<>();
        for (Map.Entry<FunctionName, NameEntry> candidate : candidates.entrySet()) {
            if (page.size() >= limit) {
                break;
            }
            NavigableMap<Integer, FunctionDefinition> live = candidate.getValue().live;
            if (!live.isEmpty()) {
                page.add(new FunctionSummary(candidate.getKey(), live.lastKey(), live.size(),
                        live.lastEntry().getValue().options().runtime()));
            }
        }
        return List.copyOf(page);
    }

    @Override
    public boolean delete(FunctionId id) {
        Objects.requireNonNull(id, "id");
        NameEntry entry = entries.get(id.name());
        return entry != null && entry.delete(id, changes);
    }

    @Override
    public List<FunctionId> deleteAll(FunctionName name) {
        Objects.requireNonNull(name, "name");
        NameEntry entry = entries.get(name);
        return entry == null ? List.of() : entry.deleteAll(changes);
    }

    private NavigableMap<Integer, FunctionDefinition> liveVersions(FunctionName name) {
        Objects.requireNonNull(name, "name");
        NameEntry entry = entries.get(name);
        return entry == null ? Collections.emptyNavigableMap() : entry.live;
    }

    /**
     * The versions of one name. Writers hold the entry's lock and publish a new immutable map, so a reader always
     * sees one consistent snapshot without locking.
     */
    private static final class NameEntry {

        private int lastVersion; // guarded by this; only ever grows
        private volatile NavigableMap<Integer, FunctionDefinition> live = Collections.emptyNavigableMap();

        synchronized FunctionDefinition add(NewFunctionVersion version, InMemoryChangeFeed changes) {
            lastVersion = Math.addExact(lastVersion, 1);
            // Stored times have millisecond precision, like the database-backed repositories.
            FunctionDefinition definition = new NewFunctionVersion(version.name(), version.code(), version.handler(),
                    version.limits(), version.createdAt().truncatedTo(ChronoUnit.MILLIS), version.codeSha256(),
                    version.options())
                    .withVersion(lastVersion);
            TreeMap<Integer, FunctionDefinition> next = new TreeMap<>(live);
            next.put(lastVersion, definition);
            live = Collections.unmodifiableNavigableMap(next);
            changes.record(Change.FUNCTION_REGISTERED, definition.id().toString());
            return definition;
        }

        synchronized boolean delete(FunctionId id, InMemoryChangeFeed changes) {
            if (!live.containsKey(id.version())) {
                return false;
            }
            TreeMap<Integer, FunctionDefinition> next = new TreeMap<>(live);
            next.remove(id.version());
            live = Collections.unmodifiableNavigableMap(next);
            changes.record(Change.FUNCTION_DELETED, id.toString());
            return true;
        }

        synchronized List<FunctionId> deleteAll(InMemoryChangeFeed changes) {
            List<FunctionId> deleted = live.values().stream().map(FunctionDefinition::id).toList();
            live = Collections.emptyNavigableMap();
            deleted.forEach(id -> changes.record(Change.FUNCTION_DELETED, id.toString()));
            return deleted;
        }
    }
}
