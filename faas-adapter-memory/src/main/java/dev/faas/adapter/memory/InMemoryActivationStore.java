package dev.faas.adapter.memory;

import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationId;
import dev.faas.ports.model.ActivationOutcome;
import dev.faas.ports.model.ActivationQuery;
import dev.faas.ports.model.ActivationQueueStats;
import dev.faas.ports.model.ActivationStatus;
import dev.faas.ports.out.ActivationStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An {@link ActivationStore} in memory, with the semantics of the database one on a single node: activations in
 * arrival order, each claimed by one caller only, guarded by node and attempt. Gone when the process ends.
 * Thread-safe: one lock around everything, as every operation is short.
 */
public final class InMemoryActivationStore implements ActivationStore {

    /** Arrival order: the sequence an activation got when it was added. */
    private final TreeMap<Long, Activation> bySequence = new TreeMap<>();
    private final Map<ActivationId, Long> sequences = new HashMap<>();
    private long lastSequence;

    @Override
    public synchronized void add(Activation activation) {
        if (sequences.containsKey(activation.id())) {
            throw new IllegalArgumentException("activation " + activation.id() + " already exists");
        }
        long sequence = ++lastSequence;
        sequences.put(activation.id(), sequence);
        bySequence.put(sequence, millis(activation));
    }

    @Override
    public synchronized List<Activation> claim(String nodeId, int max, Instant now, Instant leaseUntil) {
        List<Activation> claimed = new ArrayList<>();
        for (Map.Entry<Long, Activation> entry : bySequence.entrySet()) {
            if (claimed.size() >= max) {
                break;
            }
            if (entry.getValue().status() == ActivationStatus.QUEUED) {
                Activation running = millis(entry.getValue().running(nodeId, now, leaseUntil));
                entry.setValue(running);
                claimed.add(running);
            }
        }
        return claimed;
    }

    @Override
    public synchronized int renew(String nodeId, Collection<ActivationId> ids, Instant leaseUntil) {
        int renewed = 0;
        for (ActivationId id : ids) {
            Activation current = current(id);
            if (current != null && current.status() == ActivationStatus.RUNNING && nodeId.equals(current.nodeId())) {
                replace(current.withLease(leaseUntil));
                renewed++;
            }
        }
        return renewed;
    }

    @Override
    public synchronized boolean finish(ActivationId id, String nodeId, int attempt, ActivationOutcome outcome) {
        Activation current = held(id, nodeId, attempt);
        if (current == null) {
            return false;
        }
        replace(current.ended(outcome));
        return true;
    }

    @Override
    public synchronized boolean requeue(ActivationId id, String nodeId, int attempt) {
        Activation current = held(id, nodeId, attempt);
        if (current == null) {
            return false;
        }
        replace(current.requeuedUncounted());
        return true;
    }

    @Override
    public synchronized List<Activation> recover(Instant now, Instant expireQueuedBefore, int max) {
        List<Activation> ended = new ArrayList<>();
        int lost = 0;
        int expired = 0;
        for (Map.Entry<Long, Activation> entry : bySequence.entrySet()) {
            Activation activation = entry.getValue();
            if (activation.status() == ActivationStatus.RUNNING && activation.leaseUntil().isBefore(now)
                    && lost < max) {
                lost++;
                if (activation.attempt() < activation.maxAttempts()) {
                    entry.setValue(activation.requeuedAfterLoss());
                } else {
                    Activation failed = millis(activation.ended(ActivationOutcome.withoutRun(ActivationStatus.FAILED,
                            ActivationOutcome.NODE_LOST, ActivationOutcome.nodeLostDetail(activation), now)));
                    entry.setValue(failed);
                    ended.add(failed);
                }
            } else if (activation.status() == ActivationStatus.QUEUED
                    && activation.queuedAt().isBefore(expireQueuedBefore) && expired < max) {
                expired++;
                Activation gone = millis(activation.ended(ActivationOutcome.withoutRun(ActivationStatus.EXPIRED,
                        ActivationOutcome.EXPIRED, ActivationOutcome.expiredDetail(activation), now)));
                entry.setValue(gone);
                ended.add(gone);
            }
        }
        return ended;
    }

    @Override
    public synchronized Optional<Activation> find(ActivationId id) {
        return Optional.ofNullable(current(id));
    }

    @Override
    public synchronized List<Activation> list(ActivationQuery query) {
        Long before = query.after() == null ? null : sequences.get(query.after());
        if (query.after() != null && before == null) {
            return List.of();
        }
        List<Activation> page = new ArrayList<>();
        for (Activation activation : (before == null ? bySequence : bySequence.headMap(before, false))
                .descendingMap().values()) {
            if (page.size() >= query.limit()) {
                break;
            }
            if ((query.function() == null || query.function().equals(activation.functionId().name()))
                    && (query.status() == null || query.status() == activation.status())
                    && (query.createdBy() == null || query.createdBy().equals(activation.createdBy()))) {
                page.add(activation);
            }
        }
        return page;
    }

    @Override
    public synchronized boolean delete(ActivationId id) {
        Long sequence = sequences.remove(id);
        if (sequence == null) {
            return false;
        }
        bySequence.remove(sequence);
        return true;
    }

    @Override
    public synchronized int pruneEndedBefore(Instant cutoff, int batch) {
        List<ActivationId> victims = new ArrayList<>();
        for (Activation activation : bySequence.values()) {
            if (victims.size() >= batch) {
                break;
            }
            if (activation.outcome() != null && activation.outcome().endedAt().isBefore(cutoff)) {
                victims.add(activation.id());
            }
        }
        victims.forEach(this::delete);
        return victims.size();
    }

    @Override
    public synchronized long queuedFor(String functionName) {
        return bySequence.values().stream().filter(activation -> activation.status() == ActivationStatus.QUEUED
                && activation.functionId().name().value().equals(functionName)).count();
    }

    @Override
    public synchronized ActivationQueueStats stats() {
        Map<ActivationStatus, Long> byStatus = new EnumMap<>(ActivationStatus.class);
        Instant oldest = null;
        for (Activation activation : bySequence.values()) {
            byStatus.merge(activation.status(), 1L, Long::sum);
            if (activation.status() == ActivationStatus.QUEUED
                    && (oldest == null || activation.queuedAt().isBefore(oldest))) {
                oldest = activation.queuedAt();
            }
        }
        return new ActivationQueueStats(byStatus.getOrDefault(ActivationStatus.QUEUED, 0L), oldest, byStatus);
    }

    private Activation current(ActivationId id) {
        Long sequence = sequences.get(id);
        return sequence == null ? null : bySequence.get(sequence);
    }

    private Activation held(ActivationId id, String nodeId, int attempt) {
        Activation current = current(id);
        if (current == null || current.status() != ActivationStatus.RUNNING || !nodeId.equals(current.nodeId())
                || current.attempt() != attempt) {
            return null;
        }
        return current;
    }

    private void replace(Activation activation) {
        bySequence.put(sequences.get(activation.id()), millis(activation));
    }

    /** Times to the millisecond, as the database keeps them, so both stores hand back equal records. */
    private static Activation millis(Activation a) {
        ActivationOutcome o = a.outcome();
        if (o != null) {
            o = new ActivationOutcome(o.status(), o.resultJson(), o.problemType(), o.problemDetail(), o.logs(),
                    o.startKind(), o.initTime() == null ? null : o.initTime().truncatedTo(ChronoUnit.MILLIS),
                    o.duration() == null ? null : o.duration().truncatedTo(ChronoUnit.MILLIS), ms(o.endedAt()));
        }
        return new Activation(a.id(), a.functionId(), a.paramsJson(), a.status(), a.async(), ms(a.queuedAt()),
                ms(a.startedAt()), ms(a.leaseUntil()), a.nodeId(), a.attempt(), a.maxAttempts(), a.callbackUrl(), o,
                a.createdBy());
    }

    private static Instant ms(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
