package dev.faas.domain.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.StartKind;
import dev.faas.ports.model.VersionOptions;
import dev.faas.testkit.FakeFunctionRuntime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pre-warmed instances have no network: a version with egress is always started for itself, with its network. */
class EgressPlacementTest {

    private static final FunctionId EGRESS = FunctionId.parse("fetch-1");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final FakeFunctionRuntime runtime = new FakeFunctionRuntime();
    private final ExecutorService background = Executors.newCachedThreadPool();
    private InstancePool pool;

    @AfterEach
    void tearDown() {
        if (pool != null) {
            pool.close();
        }
        background.shutdownNow();
    }

    @Test
    void givenAPrewarmedInstance_anEgressCall_startsCold_whileAnotherCallTakesThePrewarmedOne() {
        PoolSnapshot node = new PoolSnapshot(4, 4096, 1, 256, 256,
                List.of(new InstanceSnapshot("p1", null, InstanceState.PREWARM, T0, 256)), Map.of(), List.of(), 10);

        assertThat(Scheduler.decide(node, new Scheduler.Request(EGRESS, 256, 2, true), false))
                .isInstanceOf(Scheduler.StartCold.class);
        assertThat(Scheduler.decide(node, new Scheduler.Request(EGRESS, 256, 2, false), false))
                .isInstanceOf(Scheduler.SpecialisePrewarmed.class);
    }

    @Test
    void egressVersion_getsAnInstanceStartedWithItsNetwork_andTheStockIsLeftAlone() {
        pool = new InstancePool(runtime, new PoolSettings(4, Duration.ofSeconds(5), 100, 1, 256), Clock.systemUTC(),
                background);
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.prewarmedCount() == 1);

        InstancePool.Lease lease = pool.acquire(new FunctionDefinition(EGRESS, "code", "user_function",
                new FunctionLimits(Duration.ofSeconds(5), 256, 2), T0, "sha",
                VersionOptions.DEFAULT.withNetwork(VersionOptions.NETWORK_EGRESS)));

        assertThat(lease.startKind()).isEqualTo(StartKind.COLD);
        assertThat(runtime.specs()).last().satisfies(spec -> {
            assertThat(spec.functionId()).isEqualTo(EGRESS);
            assertThat(spec.egress()).isTrue();
        });
        assertThat(runtime.specs()).filteredOn(spec -> spec.functionId() == null)
                .allSatisfy(spec -> assertThat(spec.network()).isEqualTo(VersionOptions.NETWORK_NONE));
        assertThat(pool.prewarmedCount()).isEqualTo(1);
        assertThat(pool.prewarmTarget()).as("an egress call is no miss of the stock").isEqualTo(1);
        assertThat(pool.poolStatus().egress()).isEqualTo(1);
        lease.release();
    }
}
