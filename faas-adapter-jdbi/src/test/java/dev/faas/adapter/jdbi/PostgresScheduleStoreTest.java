package dev.faas.adapter.jdbi;

import dev.faas.testkit.ScheduleStoreContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("postgres")
class PostgresScheduleStoreTest extends ScheduleStoreContract {

    @RegisterExtension
    static final PostgresStore database = PostgresStore.open("pg-node");

    @Override
    protected Stores createStores() {
        return new Stores(database.repository().schedules(), database.repository().activations());
    }
}
