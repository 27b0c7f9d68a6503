package dev.faas.adapter.memory;

import dev.faas.ports.out.ActivationStore;
import dev.faas.testkit.ActivationStoreContract;

class InMemoryActivationStoreTest extends ActivationStoreContract {

    @Override
    protected ActivationStore createStore() {
        return new InMemoryActivationStore();
    }
}
