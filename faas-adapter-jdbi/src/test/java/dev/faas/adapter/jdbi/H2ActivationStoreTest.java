package dev.faas.adapter.jdbi;

import dev.faas.ports.out.ActivationStore;
import dev.faas.testkit.ActivationStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class H2ActivationStoreTest extends ActivationStoreContract {

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
    protected ActivationStore createStore() {
        return repository.activations();
    }
}
