package dev.faas.ports.out;

import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.InvocationResult;
import java.time.Duration;

/**
 * Told about every call as it ends, for metrics. Implementations must be thread-safe, fast and must not throw.
 */
public interface InvocationObserver {

    InvocationObserver NONE = new InvocationObserver() {
        @Override
        public void succeeded(InvocationResult result) {
        }

        @Override
        public void failed(FunctionId functionId, RuntimeException failure, Duration took) {
        }
    };

    void succeeded(InvocationResult result);

    /** The call failed with {@code failure} (a user-code fault or a platform fault) after {@code took}. */
    void failed(FunctionId functionId, RuntimeException failure, Duration took);
}
