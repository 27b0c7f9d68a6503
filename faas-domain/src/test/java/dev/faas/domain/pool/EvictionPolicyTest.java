package dev.faas.domain.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.ports.model.FunctionId;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvictionPolicyTest {

    private final FunctionId requester = FunctionId.parse("wants-1");
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void givenIdleInstancesOfOtherFunctions_oneSlotNeeded_selectsTheLeastRecentlyUsed() {
        List<InstanceSnapshot> snapshots = List.of(
                warm("newer", "a-1", t0.plusSeconds(5), 256),
                warm("older", "b-1", t0, 256),
                new InstanceSnapshot("busy", FunctionId.parse("c-1"), InstanceState.BUSY, t0.minusSeconds(60), 256));

        assertThat(EvictionPolicy.selectVictims(snapshots, requester, 1, 0))
                .extracting(InstanceSnapshot::instanceId).containsExactly("older");
    }

    @Test
    void givenOnlyTheRequestersOwnOrBusyInstances_selectVictims_findsNone() {
        List<InstanceSnapshot> snapshots = List.of(
                new InstanceSnapshot("own", requester, InstanceState.WARM, t0, 256),
                new InstanceSnapshot("busy", FunctionId.parse("c-1"), InstanceState.BUSY, t0, 256));

        assertThat(EvictionPolicy.selectVictims(snapshots, requester, 1, 0)).isEmpty();
    }

    @Test
    void givenMemoryShortfall_selectVictims_takesAsManyLeastRecentlyUsedAsCoverIt() {
        List<InstanceSnapshot> snapshots = List.of(
                warm("newest", "a-1", t0.plusSeconds(9), 512),
                warm("oldest", "b-1", t0, 128),
                warm("middle", "c-1", t0.plusSeconds(3), 256));

        assertThat(EvictionPolicy.selectVictims(snapshots, requester, 0, 300))
                .extracting(InstanceSnapshot::instanceId).containsExactly("oldest", "middle");
    }

    @Test
    void givenWarmAndPrewarmedInstances_selectVictims_givesUpPrewarmedOnesLast() {
        List<InstanceSnapshot> snapshots = List.of(
                new InstanceSnapshot("prewarm", null, InstanceState.PREWARM, t0.minusSeconds(60), 256),
                warm("warm", "a-1", t0, 256));

        assertThat(EvictionPolicy.selectVictims(snapshots, requester, 1, 0))
                .extracting(InstanceSnapshot::instanceId).containsExactly("warm");
        assertThat(EvictionPolicy.selectVictims(snapshots, requester, 0, 512))
                .extracting(InstanceSnapshot::instanceId).containsExactly("warm", "prewarm");
    }

    @Test
    void givenIdleInstancesThatCannotFreeEnough_selectVictims_stopsNone() {
        List<InstanceSnapshot> snapshots = List.of(warm("small", "a-1", t0, 128), warm("other", "b-1", t0, 128));

        assertThat(EvictionPolicy.selectVictims(snapshots, requester, 0, 512)).isEmpty();
    }

    @Test
    void givenNothingNeeded_selectVictims_stopsNone() {
        assertThat(EvictionPolicy.selectVictims(List.of(warm("idle", "a-1", t0, 256)), requester, 0, 0)).isEmpty();
    }

    private static InstanceSnapshot warm(String id, String function, Instant idleSince, int memoryMb) {
        return new InstanceSnapshot(id, FunctionId.parse(function), InstanceState.WARM, idleSince, memoryMb);
    }
}
