package dev.faas.adapter.memory;

import dev.faas.testkit.ScheduleStoreContract;

class InMemoryScheduleStoreTest extends ScheduleStoreContract {

    @Override
    protected Stores createStores() {
        InMemoryActivationStore activations = new InMemoryActivationStore();
        return new Stores(new InMemoryScheduleStore(activations), activations);
    }
}
