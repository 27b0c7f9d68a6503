package dev.faas.domain.reaping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.domain.pool.InstanceSnapshot;
import dev.faas.domain.pool.InstanceState;
import dev.faas.ports.model.FunctionId;
import dev.faas.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReaperPolicyTest {

    private final MutableClock clock = MutableClock.atEpoch();
    private final ReaperPolicy policy = new ReaperPolicy(Duration.ofMinutes(1));
    private final FunctionId hello = FunctionId.parse("hello-1");

    @Test
    void givenInstanceIdleLessThanDeleteAfter_select_keepsIt() {
        InstanceSnapshot idle = snapshot("a", InstanceState.WARM, clock.instant());
        clock.advance(Duration.ofSeconds(59));

        assertThat(policy.selectVictims(List.of(idle), clock.instant())).isEmpty();
    }

    @Test
    void givenInstanceIdleExactlyDeleteAfter_select_removesIt() {
        InstanceSnapshot idle = snapshot("a", InstanceState.WARM, clock.instant());
        clock.advance(Duration.ofMinutes(1));

        assertThat(policy.selectVictims(List.of(idle), clock.instant())).containsExactly(idle);
    }

    @Test
    void givenBusyOrStartingInstances_select_neverRemovesThem() {
        Instant longAgo = clock.instant();
        clock.advance(Duration.ofHours(5));
        List<InstanceSnapshot> snapshots = List.of(
                snapshot("busy", InstanceState.BUSY, longAgo),
                snapshot("starting", InstanceState.STARTING, null),
                snapshot("removing", InstanceState.REMOVING, longAgo),
                snapshot("old", InstanceState.WARM, longAgo));

        assertThat(policy.selectVictims(snapshots, clock.instant()))
                .extracting(InstanceSnapshot::instanceId).containsExactly("old");
    }

    private InstanceSnapshot snapshot(String id, InstanceState state, Instant idleSince) {
        return new InstanceSnapshot(id, hello, state, idleSince, 256);
    }
}
