package dev.faas.domain.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrewarmPolicyTest {

    private static final Instant NOW = Instant.parse("2026-01-01T01:00:00Z");
    private static final Duration UNUSED_FOR = Duration.ofMinutes(5);
    private final PrewarmPolicy policy = new PrewarmPolicy(2, 32);

    @Test
    void eachFirstCallFindingTheStockEmpty_raisesTheTargetByOne_upToTheCeiling() {
        int target = 2;
        for (int miss = 0; miss < 18; miss++) {
            target = policy.afterMiss(target);
        }
        assertThat(target).as("18 cold first calls: the next burst of 20 finds 20 ready").isEqualTo(20);
        for (int miss = 0; miss < 100; miss++) {
            target = policy.afterMiss(target);
        }
        assertThat(target).isEqualTo(32);
    }

    @Test
    void withoutAFloor_thereIsNoStock_toGrowOrStart() {
        PrewarmPolicy off = new PrewarmPolicy(0, 32);

        assertThat(off.afterMiss(0)).isZero();
        assertThat(off.toStart(5, 0, 0, 64, 100_000, 256, false)).isZero();
    }

    @Test
    void toStart_startsWhatTheTargetLacks_severalAtOnce() {
        PrewarmPolicy wide = new PrewarmPolicy(2, 32, 32);
        assertThat(wide.toStart(20, 2, 3, 64, 100_000, 256, false)).isEqualTo(15);
        assertThat(wide.toStart(20, 20, 0, 64, 100_000, 256, false)).isZero();
        assertThat(wide.toStart(2, 5, 0, 64, 100_000, 256, false)).as("above target: nothing").isZero();
    }

    @Test
    void toStart_keepsAtMostParallelStartsUnderWay() {
        assertThat(policy.toStart(20, 0, 0, 64, 100_000, 256, false)).isEqualTo(4);
        assertThat(policy.toStart(20, 0, 3, 64, 100_000, 256, false)).isEqualTo(1);
        assertThat(policy.toStart(20, 0, 4, 64, 100_000, 256, false)).isZero();
    }

    @Test
    void toStart_staysWithinTheFreeSlotsAndMemory() {
        assertThat(policy.toStart(20, 0, 0, 2, 100_000, 256, false)).isEqualTo(2);
        assertThat(policy.toStart(20, 0, 0, 64, 1000, 256, false)).as("1000 MB free holds three of 256 MB")
                .isEqualTo(3);
    }

    @Test
    void toStart_leavesTheRoomToWaitingCalls() {
        assertThat(policy.toStart(20, 0, 0, 64, 100_000, 256, true)).isZero();
    }

    @Test
    void shrink_stopsStockInstancesUnusedForDeleteAfter_oldestFirst_downToTheFloor() {
        List<InstanceSnapshot> stock = List.of(ready("fresh", 60), ready("old1", 600), ready("old2", 900),
                ready("old3", 700), ready("old4", 301));

        PrewarmPolicy.Shrink shrink = policy.shrink(20, stock, NOW, UNUSED_FOR);

        assertThat(shrink.victims()).extracting(InstanceSnapshot::instanceId)
                .containsExactly("old2", "old3", "old1");
        assertThat(shrink.target()).isEqualTo(17);
    }

    @Test
    void shrink_fallsBackToTheFloor_whenTheWholeStockWentUnused() {
        List<InstanceSnapshot> stock = List.of(ready("a", 600), ready("b", 600), ready("c", 600), ready("d", 600));

        PrewarmPolicy.Shrink shrink = policy.shrink(4, stock, NOW, UNUSED_FOR);

        assertThat(shrink.victims()).hasSize(2);
        assertThat(shrink.target()).isEqualTo(2);
    }

    @Test
    void shrink_keepsAStockInUse() {
        List<InstanceSnapshot> stock = List.of(ready("a", 10), ready("b", 299));

        PrewarmPolicy.Shrink shrink = policy.shrink(20, stock, NOW, UNUSED_FOR);

        assertThat(shrink.victims()).isEmpty();
        assertThat(shrink.target()).isEqualTo(20);
    }

    private static InstanceSnapshot ready(String id, int secondsAgo) {
        return new InstanceSnapshot(id, null, InstanceState.PREWARM, NOW.minusSeconds(secondsAgo), 256);
    }
}
