package dev.faas.adapter.jdbi;

import dev.faas.ports.out.ActivationStore;
import dev.faas.testkit.ActivationStoreContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("postgres")
class PostgresActivationStoreTest extends ActivationStoreContract {

    @RegisterExtension
    static final PostgresStore database = PostgresStore.open("pg-node");

    @Override
    protected ActivationStore createStore() {
        return database.repository().activations();
    }
}
