package dev.faas.domain.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.StartKind;
import dev.faas.ports.model.VersionOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The pool with versions of several language runtimes: an instance serves its runtime only, a stock per runtime. */
class InstancePoolRuntimeTest extends PoolFixture {

    private static final String NODEJS = "nodejs";

    @Test
    void givenAPythonStockOnly_aNodeFirstCall_startsColdAsNode_andLeavesThePythonStockAlone() {
        usePool(new PoolSettings(8, Duration.ofSeconds(5), 100, 1, 256));
        await().atMost(PATIENCE).until(() -> pool.prewarmedCount() == 1);

        InstancePool.Lease node = pool.acquire(version("n", NODEJS));
        InstancePool.Lease python = pool.acquire(version("p", VersionOptions.DEFAULT_RUNTIME));

        assertThat(node.startKind()).isEqualTo(StartKind.COLD);
        assertThat(python.startKind()).isEqualTo(StartKind.PREWARMED);
        assertThat(runtime.startedRuntimes()).startsWith("python3", "nodejs");
        assertThat(pool.prewarms(VersionOptions.DEFAULT_RUNTIME)).isTrue();
        assertThat(pool.prewarms(NODEJS)).isFalse();
        assertThat(pool.prewarmTarget()).as("a node miss does not grow the python stock").isEqualTo(1);
    }

    @Test
    void givenAStockPerRuntime_eachFirstCallTakesItsOwn_onlyItsStockGrows_andShrinksBackToItsFloor()
            throws Exception {
        usePool(new PoolSettings(8, Duration.ofSeconds(5), 100, 1, 256, PoolSettings.UNLIMITED_MEMORY_MB, 4)
                .withRuntimePrewarm(NODEJS, 1));
        await().atMost(PATIENCE).until(() -> pool.prewarmedCount() == 2);

        InstancePool.Lease first = pool.acquire(version("n1", NODEJS));
        await().atMost(PATIENCE).until(() -> pool.prewarmedCount() == 2);
        // Starts wait from here, so the refill after the second call cannot serve the third.
        runtime.holdStarts();
        InstancePool.Lease second = pool.acquire(version("n2", NODEJS));
        Future<InstancePool.Lease> third = callers.submit(acquiring(version("n3", NODEJS)));
        // The third found the node stock empty: one miss, counted for node only.
        await().atMost(PATIENCE).until(() -> pool.prewarmTarget() == 3);
        runtime.openStarts();

        assertThat(first.startKind()).isEqualTo(StartKind.PREWARMED);
        assertThat(second.startKind()).isEqualTo(StartKind.PREWARMED);
        assertThat(third.get(10, TimeUnit.SECONDS).startKind()).isEqualTo(StartKind.COLD);
        assertThat(pool.prewarms(NODEJS)).isTrue();
        await().atMost(PATIENCE).until(() -> pool.prewarmedCount() == 3);
        assertThat(runtime.startedRuntimes()).filteredOn(NODEJS::equals).hasSize(5);
        assertThat(runtime.startedRuntimes()).filteredOn("python3"::equals).hasSize(1);

        clock.advance(Duration.ofMinutes(6));
        assertThat(pool.shrinkStock(Duration.ofMinutes(5))).isEqualTo(1);
        assertThat(pool.prewarmTarget()).isEqualTo(2);
    }

    @Test
    void aNodeCodeCheck_takesANodeStockInstance() {
        usePool(new PoolSettings(8, Duration.ofSeconds(5), 100, 1, 256, PoolSettings.UNLIMITED_MEMORY_MB, 4)
                .withRuntimePrewarm(NODEJS, 1));
        await().atMost(PATIENCE).until(() -> pool.prewarmedCount() == 2);
        AtomicReference<StartKind> kind = new AtomicReference<>();

        pool.withThrowawayInstance(FunctionId.parse("check-1"), 256, NODEJS, lease -> kind.set(lease.startKind()));

        assertThat(kind.get()).isEqualTo(StartKind.PREWARMED);
        await().atMost(PATIENCE).until(() -> pool.prewarmedCount() == 2);
        assertThat(runtime.startedRuntimes()).filteredOn(NODEJS::equals).hasSize(2);
    }

    private static FunctionDefinition version(String name, String languageRuntime) {
        return new FunctionDefinition(FunctionId.parse(name + "-1"), "echo", "user_function",
                new FunctionLimits(Duration.ofSeconds(5), 256, 10), Instant.EPOCH, "sha",
                VersionOptions.DEFAULT.withRuntime(languageRuntime));
    }
}
