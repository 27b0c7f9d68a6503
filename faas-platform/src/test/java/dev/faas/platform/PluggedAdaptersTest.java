package dev.faas.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.out.ChangeFeed;
import dev.faas.ports.out.InvocationObserver;
import dev.faas.testkit.FakeFunctionRuntime;
import dev.faas.testkit.ForwardingFunctionRepository;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The library learns what a store offers from the store itself, and lets observers (metrics) plug in after start. */
class PluggedAdaptersTest {

    private static final String HELLO = "def user_function():\n    return 'hi'\n";

    @Test
    void aStoreOfAnotherClass_handsOverItsChangeLogAndNodeId_andThePlatformFollowsIt() {
        InMemoryFunctionRepository shared = new InMemoryFunctionRepository();
        FakeFunctionRuntime runtimeB = new FakeFunctionRuntime();
        try (FaasPlatform a = FaasPlatform.builder().repository(shared).runtime(new FakeFunctionRuntime())
                     .checkCode(false).build();
             FaasPlatform b = FaasPlatform.builder().repository(new ForwardingRepository(shared, "node-b"))
                     .runtime(runtimeB).checkCode(false).build()) {
            SharedStorePlatforms.assertDeleteThroughFirstIsForgottenBySecond(a, b, runtimeB, HELLO);

            assertThat(b.nodeId()).isEqualTo("node-b");
            assertThat(b.readiness().readiness().node()).isEqualTo("node-b");
        }
    }

    @Test
    void anObserverAddedAfterStart_isToldOfEachCall_untilRemoved() {
        try (FaasPlatform faas = FaasPlatform.builder().runtime(new FakeFunctionRuntime()).checkCode(false).build()) {
            FunctionId id = faas.register("hello", HELLO);
            List<String> seen = new CopyOnWriteArrayList<>();
            InvocationObserver observer = new InvocationObserver() {
                @Override
                public void succeeded(InvocationResult result) {
                    seen.add("ok " + result.functionId());
                }

                @Override
                public void failed(FunctionId functionId, RuntimeException failure, Duration took) {
                    seen.add("failed " + functionId);
                }
            };

            faas.addObserver(observer);
            faas.invoke(id, "{}");
            faas.removeObserver(observer);
            faas.invoke(id, "{}");

            assertThat(seen).containsExactly("ok hello-1");
        }
    }

    /** A store the library has never heard of, wrapping another; it hands over the wrapped one's change log. */
    private static final class ForwardingRepository extends ForwardingFunctionRepository {

        private final InMemoryFunctionRepository delegate;
        private final String node;

        ForwardingRepository(InMemoryFunctionRepository delegate, String node) {
            super(delegate);
            this.delegate = delegate;
            this.node = node;
        }

        @Override
        public Optional<ChangeFeed> changeFeed() {
            return Optional.of(delegate.changes());
        }

        @Override
        public Optional<String> writerNodeId() {
            return Optional.of(node);
        }
    }
}
