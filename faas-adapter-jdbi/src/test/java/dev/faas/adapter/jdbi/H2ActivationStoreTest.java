package dev.faas.adapter.jdbi;

import dev.faas.ports.out.ActivationStore;
import dev.faas.testkit.ActivationStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class H2ActivationStoreTest extends ActivationStoreContract {

    @RegisterExtension
    static final H2Store database = new H2Store(config -> JdbiFunctionRepository.open(config, "h2-node"));

    @Override
    protected ActivationStore createStore() {
        return database.repository().activations();
    }
}
