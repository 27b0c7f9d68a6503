package dev.faas.adapter.memory;

import dev.faas.ports.out.FunctionRepository;
import dev.faas.testkit.FunctionRepositoryContract;

class InMemoryFunctionRepositoryTest extends FunctionRepositoryContract {

    @Override
    protected FunctionRepository createRepository() {
        return new InMemoryFunctionRepository();
    }
}
