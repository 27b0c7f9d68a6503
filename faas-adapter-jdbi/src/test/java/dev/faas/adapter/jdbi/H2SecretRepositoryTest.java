package dev.faas.adapter.jdbi;

import dev.faas.ports.out.SecretRepository;
import dev.faas.testkit.SecretRepositoryContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class H2SecretRepositoryTest extends SecretRepositoryContract {

    @TempDir
    static Path dataDir;

    private static JdbiFunctionRepository functions;

    @BeforeAll
    static void openRepository() {
        functions = JdbiFunctionRepository.open(JdbiRepositoryConfig.h2File(dataDir));
    }

    @AfterAll
    static void closeRepository() {
        functions.close();
    }

    @Override
    protected SecretRepository createRepository() {
        return functions.secrets();
    }
}
