package dev.faas.domain.pool;

import dev.faas.ports.model.FunctionId;
import dev.faas.ports.out.Instance;
import java.time.Instant;

/** One runtime instance as the pool tracks it. Guarded by the pool's lock. */
final class PooledInstance {

    final Instance instance;
    final FunctionId functionId;
    final int memoryMb;
    final String runtime;
    InstanceState state;
    Instant idleSince;

    PooledInstance(Instance instance, FunctionId functionId, int memoryMb, String runtime) {
        this.instance = instance;
        this.functionId = functionId;
        this.memoryMb = memoryMb;
        this.runtime = runtime;
        this.state = InstanceState.BUSY;
    }

    InstanceSnapshot snapshot() {
        return new InstanceSnapshot(instance.id(), functionId, state, idleSince, memoryMb, runtime);
    }
}
