package dev.faas.domain.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.FunctionSummary;
import dev.faas.ports.model.Readiness;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.ports.out.RunOutput;
import dev.faas.testkit.ForwardingFunctionRepository;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Readiness over a scripted store and runtime: each check, the deadline, and one check at a time. */
class ReadinessServiceTest {

    private final ScriptedRepository repository = new ScriptedRepository();
    private volatile boolean runtimeAvailable = true;
    private ReadinessService readiness = new ReadinessService(repository, new AvailabilityRuntime(),
            Duration.ofMillis(500));

    @AfterEach
    void close() {
        repository.hang.countDown();
        readiness.close();
    }

    @Test
    void givenStoreAndRuntimeUp_readiness_isReadyWithBothChecksUp() {
        Readiness result = readiness.readiness();

        assertThat(result.ready()).isTrue();
        assertThat(result.checks()).extracting(Readiness.Check::name).containsExactly("store", "runtime");
        assertThat(result.checks()).allSatisfy(check -> assertThat(check.reason()).isNull());
    }

    @Test
    void givenStoreUnavailable_readiness_reportsTheStoreDownWithoutItsAddress() {
        repository.failure = new RepositoryUnavailableException(
                "the function store at jdbc:postgresql://db:5432/faas is unavailable", null);

        Readiness result = readiness.readiness();

        assertThat(result.ready()).isFalse();
        assertThat(result.checks().get(0)).satisfies(store -> {
            assertThat(store.up()).isFalse();
            assertThat(store.reason()).isEqualTo("the function store cannot be reached").doesNotContain("jdbc");
        });
        assertThat(result.checks().get(1).up()).isTrue();
    }

    @Test
    void givenRuntimeUnavailable_readiness_reportsTheRuntimeDown() {
        runtimeAvailable = false;

        Readiness result = readiness.readiness();

        assertThat(result.ready()).isFalse();
        assertThat(result.checks().get(1).up()).isFalse();
        assertThat(result.checks().get(1).reason()).contains("fake runtime");
    }

    @Test
    void givenStoreThatHangs_readiness_answersDownAtTheDeadline_andJoinsTheCheckStillRunning() {
        repository.hanging = true;

        long start = System.nanoTime();
        Readiness first = readiness.readiness();
        Readiness second = readiness.readiness();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(first.ready()).isFalse();
        assertThat(first.checks().get(0).reason()).contains("did not answer within 500 ms");
        assertThat(second.ready()).isFalse();
        assertThat(took).isLessThan(Duration.ofSeconds(3));
        assertThat(repository.listCalls.get()).isEqualTo(1);

        repository.hanging = false;
        repository.hang.countDown();
        assertThat(awaitReady()).isTrue();
    }

    private boolean awaitReady() {
        for (int attempt = 0; attempt < 20; attempt++) {
            if (readiness.readiness().ready()) {
                return true;
            }
        }
        return false;
    }

    /** A runtime that only answers whether it is available, as the test says; nothing runs on it. */
    private final class AvailabilityRuntime implements FunctionRuntime {

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public boolean available() {
            return runtimeAvailable;
        }

        @Override
        public Instance start(InstanceSpec spec) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void init(Instance instance, FunctionDefinition definition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RunOutput run(Instance instance, String paramsJson, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stop(Instance instance) {
        }

        @Override
        public List<String> running() {
            return List.of();
        }

        @Override
        public void close() {
        }
    }

    /** An in-memory repository whose {@code list} can be made to fail or to hang. */
    private static final class ScriptedRepository extends ForwardingFunctionRepository {

        private final CountDownLatch hang = new CountDownLatch(1);
        private final AtomicInteger listCalls = new AtomicInteger();
        private volatile RuntimeException failure;
        private volatile boolean hanging;

        ScriptedRepository() {
            super(new InMemoryFunctionRepository());
        }

        @Override
        public List<FunctionSummary> list(FunctionName afterName, int limit) {
            listCalls.incrementAndGet();
            if (hanging) {
                try {
                    hang.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failure != null) {
                throw failure;
            }
            return super.list(afterName, limit);
        }
    }
}
