package dev.faas.domain.registry;

import dev.faas.domain.pool.InstancePool;
import dev.faas.ports.in.ListRuntimesUseCase;
import dev.faas.ports.model.OfferedRuntime;
import dev.faas.ports.out.FunctionRuntime;
import java.util.List;

/** The language runtimes the node's {@link FunctionRuntime} offers, with the pool's pre-warming of each. Thread-safe. */
public final class RuntimeCatalog implements ListRuntimesUseCase {

    private final FunctionRuntime runtime;
    private final InstancePool pool;

    public RuntimeCatalog(FunctionRuntime runtime, InstancePool pool) {
        this.runtime = runtime;
        this.pool = pool;
    }

    @Override
    public List<OfferedRuntime> runtimes() {
        return runtime.languageRuntimes().stream()
                .map(offered -> new OfferedRuntime(offered, pool.prewarms(offered.name())))
                .toList();
    }
}
