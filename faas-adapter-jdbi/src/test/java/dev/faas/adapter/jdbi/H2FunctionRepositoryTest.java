package dev.faas.adapter.jdbi;

import dev.faas.ports.out.FunctionRepository;
import dev.faas.testkit.FunctionRepositoryContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class H2FunctionRepositoryTest extends FunctionRepositoryContract {

    @TempDir
    static Path dataDir;

    private static JdbiFunctionRepository repository;

    @BeforeAll
    static void openRepository() {
        repository = JdbiFunctionRepository.open(JdbiRepositoryConfig.h2File(dataDir));
    }

    @AfterAll
    static void closeRepository() {
        repository.close();
    }

    @Override
    protected FunctionRepository createRepository() {
        return repository;
    }
}
