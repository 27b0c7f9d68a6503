package dev.faas.adapter.jdbi;

import dev.faas.testkit.ChangeFeedContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class H2ChangeFeedTest extends ChangeFeedContract {

    private static final String NODE_ID = "h2-node";

    @TempDir
    static Path dataDir;

    private static JdbiFunctionRepository repository;

    @BeforeAll
    static void openRepository() {
        repository = JdbiFunctionRepository.open(JdbiRepositoryConfig.h2File(dataDir), NODE_ID);
    }

    @AfterAll
    static void closeRepository() {
        repository.close();
    }

    @Override
    protected Store createStore() {
        return new Store(repository, repository.apiKeys(), repository.changes(), NODE_ID);
    }

    /** H2 has no NOTIFY: its feed sleeps, and followers find changes by reading after each wait. */
    @Override
    protected boolean notifiesPromptly() {
        return false;
    }
}
