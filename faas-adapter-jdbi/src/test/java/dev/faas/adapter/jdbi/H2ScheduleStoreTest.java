package dev.faas.adapter.jdbi;

import dev.faas.testkit.ScheduleStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class H2ScheduleStoreTest extends ScheduleStoreContract {

    @RegisterExtension
    static final H2Store database = new H2Store(config -> JdbiFunctionRepository.open(config, "h2-node"));

    @Override
    protected Stores createStores() {
        return new Stores(database.repository().schedules(), database.repository().activations());
    }
}
