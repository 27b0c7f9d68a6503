package dev.faas.adapter.jdbi;

import dev.faas.testkit.ScheduleStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class H2ScheduleStoreTest extends ScheduleStoreContract {

    @TempDir
    static Path dataDir;

    private static JdbiFunctionRepository repository;

    @BeforeAll
    static void openRepository() {
        repository = JdbiFunctionRepository.open(JdbiRepositoryConfig.h2File(dataDir), "h2-node");
    }

    @AfterAll
    static void closeRepository() {
        repository.close();
    }

    @Override
    protected Stores createStores() {
        return new Stores(repository.schedules(), repository.activations());
    }
}
