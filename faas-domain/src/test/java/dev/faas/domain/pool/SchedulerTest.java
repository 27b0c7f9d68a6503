package dev.faas.domain.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.domain.pool.Scheduler.Decision;
import dev.faas.domain.pool.Scheduler.EvictThenStart;
import dev.faas.domain.pool.Scheduler.Reject;
import dev.faas.domain.pool.Scheduler.Request;
import dev.faas.domain.pool.Scheduler.SpecialisePrewarmed;
import dev.faas.domain.pool.Scheduler.StartCold;
import dev.faas.domain.pool.Scheduler.UseWarm;
import dev.faas.domain.pool.Scheduler.Wait;
import dev.faas.ports.model.FunctionId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scheduler as a table of node snapshots and the decision each calls for, in the manner of OpenWhisk's
 * ContainerPoolObjectTests: no pool, no threads, no clock.
 */
class SchedulerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final FunctionId A = FunctionId.parse("a-1");
    private static final FunctionId B = FunctionId.parse("b-1");
    private static final FunctionId C = FunctionId.parse("c-1");
    private static final int MB = 256;

    /** A node of {@code max} slots and {@code budgetMb}, holding {@code instances}; the pre-warm size is 256 MB. */
    private static Node node(int max, long budgetMb) {
        return new Node(max, budgetMb);
    }

    private static InstanceSnapshot warm(String id, FunctionId version, int secondsIdle, int memoryMb) {
        return new InstanceSnapshot(id, version, InstanceState.WARM, T0.plusSeconds(-secondsIdle), memoryMb);
    }

    private static InstanceSnapshot busy(String id, FunctionId version, int memoryMb) {
        return new InstanceSnapshot(id, version, InstanceState.BUSY, null, memoryMb);
    }

    private static InstanceSnapshot prewarm(String id) {
        return new InstanceSnapshot(id, null, InstanceState.PREWARM, T0, MB);
    }

    private static Request call(FunctionId version) {
        return new Request(version, MB, 10);
    }

    static Stream<Arguments> newCalls() {
        return Stream.of(
                Arguments.of("warm before pre-warmed before cold",
                        node(4, 4096).with(warm("w", A, 1, MB), prewarm("p")), call(A),
                        new UseWarm(warm("w", A, 1, MB))),
                Arguments.of("the most recently used of several warm instances, so the others age",
                        node(4, 4096).with(warm("old", A, 9, MB), warm("new", A, 1, MB)), call(A),
                        new UseWarm(warm("new", A, 1, MB))),
                Arguments.of("pre-warmed before cold when no warm instance",
                        node(4, 4096).with(warm("w", B, 1, MB), prewarm("p")), call(A),
                        new SpecialisePrewarmed(prewarm("p"))),
                Arguments.of("a busy instance of the version is not taken: cold start",
                        node(4, 4096).with(busy("x", A, MB)).live(A, 1), call(A), new StartCold()),
                Arguments.of("a version of another memory size cannot take a pre-warmed instance",
                        node(4, 4096).with(prewarm("p")), new Request(A, 512, 10), new StartCold()),
                Arguments.of("node cap reached: the least recently used idle instance of another version is evicted",
                        node(3, 4096).with(warm("b-old", B, 9, MB), warm("c-new", C, 1, MB), busy("x", A, MB))
                                .live(A, 1),
                        call(A), new EvictThenStart(List.of(warm("b-old", B, 9, MB)))),
                Arguments.of("idle instances only: busy ones are never evicted",
                        node(2, 4096).with(busy("x", B, MB), busy("y", C, MB)).live(B, 1).live(C, 1), call(A),
                        new Wait("the node is at its limit of 2 instances")),
                Arguments.of("the requester's own idle instance is never its victim (it would be used instead)",
                        node(1, 4096).with(warm("own", A, 5, MB)), call(A), new UseWarm(warm("own", A, 5, MB))),
                Arguments.of("memory short: as many least recently used victims as cover it, pre-warmed last",
                        node(10, 1024).with(prewarm("p"), warm("b", B, 9, MB), warm("c", C, 5, MB), busy("x", C, MB))
                                .live(C, 2).live(B, 1),
                        new Request(A, 512, 10), new EvictThenStart(List.of(warm("b", B, 9, MB), warm("c", C, 5, MB)))),
                Arguments.of("pre-warmed instances are evicted when warm ones do not suffice",
                        node(10, 1024).with(prewarm("p1"), prewarm("p2"), warm("b", B, 9, MB), busy("x", C, MB))
                                .live(C, 1).live(B, 1),
                        new Request(A, 768, 10),
                        new EvictThenStart(List.of(warm("b", B, 9, MB), prewarm("p1"), prewarm("p2")))),
                Arguments.of("within the memory budget: cold start",
                        node(10, 1024).with(busy("x", B, 512)).live(B, 1), new Request(A, 512, 10), new StartCold()),
                Arguments.of("memory budget taken by busy instances: wait, naming the budget",
                        node(10, 1024).with(busy("x", B, 512), busy("y", B, 512)).live(B, 2), new Request(A, 512, 10),
                        new Wait("the node's memory budget of 1024 MB is taken (1024 MB reserved by running"
                                + " instances, 512 MB more needed)")),
                Arguments.of("version at its maxInstances: wait, even with room on the node",
                        node(10, 4096).with(busy("x", A, MB), prewarm("p")).live(A, 1), new Request(A, MB, 1),
                        new Wait("function a-1 is at its limit of 1 instances")),
                Arguments.of("queue full: a call that would wait is rejected",
                        node(10, 4096).with(busy("x", A, MB)).live(A, 1).waiting(new Request(B, MB, 1)).maxQueued(1),
                        new Request(A, MB, 1),
                        new Reject("too many calls are already waiting for an instance (function a-1 is at its limit"
                                + " of 1 instances)")),
                Arguments.of("queue full does not refuse a call that can be served now",
                        node(10, 4096).with(warm("w", A, 1, MB)).waiting(new Request(B, MB, 1)).maxQueued(1), call(A),
                        new UseWarm(warm("w", A, 1, MB))),
                Arguments.of("fairness: an earlier waiting call of the same version goes first",
                        node(10, 4096).with(warm("w", A, 1, MB)).waiting(call(A)), call(A),
                        new Wait("earlier calls of function a-1 are waiting")),
                Arguments.of("fairness: a new call of B does not take the room an earlier call of A waits for",
                        node(2, 4096).with(busy("x", B, MB), prewarm("p")).live(B, 1).waiting(new Request(A, 512, 10)),
                        call(B), new Wait("earlier calls are waiting for room on the node; the node is at its limit"
                                + " of 2 instances")),
                Arguments.of("fairness: B still reuses its own warm instance while A waits for room",
                        node(2, 4096).with(warm("w", B, 1, MB), busy("x", C, MB)).live(B, 1).live(C, 1)
                                .waiting(new Request(A, 512, 10)),
                        call(B), new UseWarm(warm("w", B, 1, MB))),
                Arguments.of("a call waiting only for its own version's maximum does not hold other versions back",
                        node(10, 4096).with(busy("x", A, MB)).live(A, 1).waiting(new Request(A, MB, 1)), call(B),
                        new StartCold()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("newCalls")
    void decide_newCall(String rule, Node node, Request request, Decision expected) {
        assertThat(Scheduler.decide(node.snapshot(), request, false)).isEqualTo(expected);
    }

    static Stream<Arguments> queuedCalls() {
        Request firstA = call(A);
        Request secondA = call(A);
        Request waitingB = call(B);
        return Stream.of(
                Arguments.of("the head of the queue takes the released instance",
                        node(10, 4096).with(warm("w", A, 0, MB)).live(A, 1).waiting(firstA, secondA), firstA,
                        new UseWarm(warm("w", A, 0, MB))),
                Arguments.of("the second of a version waits behind the first",
                        node(10, 4096).with(warm("w", A, 0, MB)).live(A, 1).waiting(firstA, secondA), secondA,
                        new Wait("earlier calls of function a-1 are waiting")),
                Arguments.of("a queued call is not rejected when the queue is full: it is in it",
                        node(1, 4096).with(busy("x", A, MB)).live(A, 1).waiting(waitingB).maxQueued(1), waitingB,
                        new Wait("the node is at its limit of 1 instances")),
                Arguments.of("room freed by another version goes to the waiting call of B",
                        node(2, 4096).with(busy("x", A, MB)).live(A, 1).waiting(waitingB), waitingB, new StartCold()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queuedCalls")
    void decide_queuedCall(String rule, Node node, Request request, Decision expected) {
        assertThat(Scheduler.decide(node.snapshot(), request, true)).isEqualTo(expected);
    }

    /** A snapshot under construction, so each row of the table reads as the node it describes. */
    static final class Node {
        private final int max;
        private final long budgetMb;
        private final List<InstanceSnapshot> instances = new ArrayList<>();
        private final Map<FunctionId, Integer> live = new HashMap<>();
        private final List<Request> waiting = new ArrayList<>();
        private int maxQueued = 100;

        Node(int max, long budgetMb) {
            this.max = max;
            this.budgetMb = budgetMb;
        }

        Node with(InstanceSnapshot... more) {
            instances.addAll(List.of(more));
            return this;
        }

        /** Instances of {@code version} running or starting, at least (its instances above are counted anyway). */
        Node live(FunctionId version, int count) {
            live.put(version, count);
            return this;
        }

        Node waiting(Request... calls) {
            waiting.addAll(List.of(calls));
            return this;
        }

        Node maxQueued(int count) {
            maxQueued = count;
            return this;
        }

        PoolSnapshot snapshot() {
            Map<FunctionId, Integer> liveByVersion = new HashMap<>();
            long usedMemory = 0;
            for (InstanceSnapshot instance : instances) {
                usedMemory += instance.memoryMb();
                if (instance.state() != InstanceState.PREWARM) {
                    liveByVersion.merge(instance.functionId(), 1, Integer::sum);
                }
            }
            live.forEach((version, count) -> liveByVersion.merge(version, count, Math::max));
            return new PoolSnapshot(max, budgetMb, instances.size(), usedMemory, MB, instances, liveByVersion,
                    waiting, maxQueued);
        }

        @Override
        public String toString() {
            return instances.size() + " instances";
        }
    }
}
