package dev.faas.domain.pool;

import static org.awaitility.Awaitility.await;

import dev.faas.ports.model.FunctionDefinition;
import dev.faas.testkit.FakeFunctionRuntime;
import dev.faas.testkit.MutableClock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;

/**
 * What the pool's tests share: a pool over the fake runtime and a clock the test moves, its background threads, and
 * threads for the callers a test makes wait; after each test the held starts are let go and all of it is closed.
 */
abstract class PoolFixture {

    static final Duration PATIENCE = Duration.ofSeconds(10);

    final MutableClock clock = MutableClock.atEpoch();
    final FakeFunctionRuntime runtime = new FakeFunctionRuntime();
    final ExecutorService background = Executors.newCachedThreadPool();
    final ExecutorService callers = Executors.newCachedThreadPool();
    InstancePool pool;

    @AfterEach
    void closeThePool() {
        runtime.openStarts();
        callers.shutdownNow();
        if (pool != null) {
            pool.close();
        }
        background.shutdownNow();
        runtime.close();
    }

    void usePool(PoolSettings settings) {
        pool = new InstancePool(runtime, settings, clock, background);
    }

    Callable<InstancePool.Lease> acquiring(FunctionDefinition definition) {
        return () -> pool.acquire(definition);
    }

    /** A call of {@code definition} from another thread, returned once it is the one call waiting in the pool. */
    Future<InstancePool.Lease> queuedCall(FunctionDefinition definition) {
        Future<InstancePool.Lease> call = callers.submit(acquiring(definition));
        await().atMost(PATIENCE).until(() -> pool.queuedCalls() == 1);
        return call;
    }
}
