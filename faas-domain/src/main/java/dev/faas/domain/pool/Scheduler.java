package dev.faas.domain.pool;

import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.VersionOptions;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides where one call runs, from a {@link PoolSnapshot} of the node: an idle warm instance of its version, else a
 * pre-warmed instance (when the version has the pre-warm memory size, no network egress, since pre-warmed instances
 * have no network, and the instance runs its runtime), else a new instance if the node has room, else room made by
 * evicting the least recently used idle instances of other versions (pre-warmed ones last), else wait; a call that
 * would wait while the queue is full is rejected. Fairness: a call never overtakes an earlier
 * waiting call of its own version, nor takes node room (a pre-warmed instance, a slot, evicted room) while an earlier
 * call of any version waits for node room, so a stream of calls of one version cannot starve another's. Pure: no
 * I/O, no clock, no locks, like OpenWhisk's {@code ContainerPool.schedule}.
 */
public final class Scheduler {

    private Scheduler() {
    }

    /**
     * One call asking for an instance: its version, that version's memory limit, instance maximum and runtime, and
     * whether the version has network egress.
     */
    public record Request(FunctionId functionId, int memoryMb, int maxInstances, String runtime, boolean egress) {

        /** A call of a version of the default runtime without network. */
        public Request(FunctionId functionId, int memoryMb, int maxInstances) {
            this(functionId, memoryMb, maxInstances, VersionOptions.DEFAULT_RUNTIME, false);
        }

        /** A call of a version of {@code runtime} without network. */
        public Request(FunctionId functionId, int memoryMb, int maxInstances, String runtime) {
            this(functionId, memoryMb, maxInstances, runtime, false);
        }

        /** A call of a version of the default runtime, with network egress or not. */
        public Request(FunctionId functionId, int memoryMb, int maxInstances, boolean egress) {
            this(functionId, memoryMb, maxInstances, VersionOptions.DEFAULT_RUNTIME, egress);
        }
    }

    /** What the pool is to do for a call. */
    public sealed interface Decision {
    }

    /** Take this idle warm instance of the call's version. */
    public record UseWarm(InstanceSnapshot instance) implements Decision {
    }

    /** Take this pre-warmed instance and load the call's code into it. */
    public record SpecialisePrewarmed(InstanceSnapshot instance) implements Decision {
    }

    /** Start a new instance: the node has room for it. */
    public record StartCold() implements Decision {
    }

    /** Stop these idle instances, then start a new one in the room they free. */
    public record EvictThenStart(List<InstanceSnapshot> victims) implements Decision {
        public EvictThenStart {
            victims = List.copyOf(victims);
        }
    }

    /** Nothing can serve the call now; {@code reason} says why, for the refusal if the wait runs out. */
    public record Wait(String reason) implements Decision {
    }

    /** Refuse the call now (429). */
    public record Reject(String reason) implements Decision {
    }

    /**
     * The decision for {@code request}. {@code queued} says whether the request is itself one of
     * {@code snapshot.waiting()} (then only the calls before it count as ahead of it); a request not yet queued is
     * behind every waiting call, and is rejected instead of told to wait when the queue is full.
     */
    public static Decision decide(PoolSnapshot snapshot, Request request, boolean queued) {
        Decision decision = place(snapshot, request, queued);
        if (decision instanceof Wait wait && !queued && snapshot.waiting().size() >= snapshot.maxQueuedCalls()) {
            return new Reject("too many calls are already waiting for an instance (" + wait.reason() + ")");
        }
        return decision;
    }

    private static Decision place(PoolSnapshot snapshot, Request request, boolean queued) {
        List<Request> ahead = ahead(snapshot.waiting(), request, queued);
        FunctionId version = request.functionId();
        if (ahead.stream().anyMatch(waiting -> waiting.functionId().equals(version))) {
            return new Wait("earlier calls of function " + version + " are waiting");
        }
        Optional<InstanceSnapshot> warm = snapshot.instances().stream()
                .filter(instance -> instance.state() == InstanceState.WARM && version.equals(instance.functionId()))
                .max(Comparator.comparing(InstanceSnapshot::idleSince));
        if (warm.isPresent()) {
            return new UseWarm(warm.get());
        }
        if (snapshot.live(version) >= request.maxInstances()) {
            return new Wait("function " + version + " is at its limit of " + request.maxInstances() + " instances");
        }
        if (ahead.stream().anyMatch(waiting -> needsNodeRoom(snapshot, waiting))) {
            return new Wait("earlier calls are waiting for room on the node; " + describeFull(snapshot, request));
        }
        if (request.memoryMb() == snapshot.prewarmMemoryMb() && !request.egress()) {
            Optional<InstanceSnapshot> prewarmed = snapshot.instances().stream()
                    .filter(instance -> instance.state() == InstanceState.PREWARM
                            && request.runtime().equals(instance.runtime()))
                    .min(Comparator.comparing(InstanceSnapshot::idleSince,
                            Comparator.nullsLast(Comparator.naturalOrder())));
            if (prewarmed.isPresent()) {
                return new SpecialisePrewarmed(prewarmed.get());
            }
        }
        if (snapshot.fits(request.memoryMb())) {
            return new StartCold();
        }
        int slotsShort = Math.max(0, snapshot.usedInstances() + 1 - snapshot.maxInstances());
        long memoryShortMb = Math.max(0, snapshot.usedMemoryMb() + request.memoryMb() - snapshot.memoryBudgetMb());
        List<InstanceSnapshot> victims = EvictionPolicy.selectVictims(snapshot.instances(), version, slotsShort,
                memoryShortMb);
        if (!victims.isEmpty()) {
            return new EvictThenStart(victims);
        }
        return new Wait(describeFull(snapshot, request));
    }

    /** Whether a waiting call would be served by node room, which must then not go to the pre-warm stock. */
    public static boolean anyWaitingForRoom(PoolSnapshot snapshot) {
        return snapshot.waiting().stream().anyMatch(waiting -> needsNodeRoom(snapshot, waiting));
    }

    /** A waiting call that node room would serve: it has no idle instance and its version is below its maximum. */
    private static boolean needsNodeRoom(PoolSnapshot snapshot, Request waiting) {
        return !snapshot.hasIdle(waiting.functionId()) && snapshot.live(waiting.functionId()) < waiting.maxInstances();
    }

    private static List<Request> ahead(List<Request> waiting, Request request, boolean queued) {
        if (!queued) {
            return waiting;
        }
        int position = -1;
        for (int i = 0; i < waiting.size(); i++) {
            if (waiting.get(i) == request) {
                position = i;
                break;
            }
        }
        return position < 0 ? waiting : waiting.subList(0, position);
    }

    private static String describeFull(PoolSnapshot snapshot, Request request) {
        if (snapshot.usedInstances() >= snapshot.maxInstances()) {
            return "the node is at its limit of " + snapshot.maxInstances() + " instances";
        }
        return "the node's memory budget of " + snapshot.memoryBudgetMb() + " MB is taken ("
                + snapshot.usedMemoryMb() + " MB reserved by running instances, " + request.memoryMb()
                + " MB more needed)";
    }
}
