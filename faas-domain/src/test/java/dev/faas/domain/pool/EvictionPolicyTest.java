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
    void givenIdleInstancesOfOtherFunctions_selectVictim_picksTheLeastRecentlyUsed() {
        List<InstanceSnapshot> snapshots = List.of(
                new InstanceSnapshot("newer", FunctionId.parse("a-1"), InstanceState.WARM, t0.plusSeconds(5)),
                new InstanceSnapshot("older", FunctionId.parse("b-1"), InstanceState.WARM, t0),
                new InstanceSnapshot("busy", FunctionId.parse("c-1"), InstanceState.BUSY, t0.minusSeconds(60)));

        assertThat(EvictionPolicy.selectVictim(snapshots, requester)).get()
                .extracting(InstanceSnapshot::instanceId).isEqualTo("older");
    }

    @Test
    void givenOnlyTheRequestersOwnOrBusyInstances_selectVictim_findsNone() {
        List<InstanceSnapshot> snapshots = List.of(
                new InstanceSnapshot("own", requester, InstanceState.WARM, t0),
                new InstanceSnapshot("busy", FunctionId.parse("c-1"), InstanceState.BUSY, t0),
                new InstanceSnapshot("prewarm", null, InstanceState.PREWARM, t0));

        assertThat(EvictionPolicy.selectVictim(snapshots, requester)).isEmpty();
    }
}
