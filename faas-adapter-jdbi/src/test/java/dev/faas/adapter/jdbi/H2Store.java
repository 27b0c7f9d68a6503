package dev.faas.adapter.jdbi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link JdbiFunctionRepository} on an H2 file database in a directory of the test class's own: opened before the
 * class, closed and deleted after it. Register it in a static {@code @RegisterExtension} field.
 */
final class H2Store implements BeforeAllCallback, AfterAllCallback {

    private final Function<JdbiRepositoryConfig, JdbiFunctionRepository> opener;
    private Path dataDir;
    private JdbiFunctionRepository repository;

    /** A store whose repository {@code opener} opens on the class's H2 database. */
    H2Store(Function<JdbiRepositoryConfig, JdbiFunctionRepository> opener) {
        this.opener = opener;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("faas-h2");
        repository = opener.apply(JdbiRepositoryConfig.h2File(dataDir));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (repository != null) {
                repository.close();
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dataDir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    JdbiFunctionRepository repository() {
        return repository;
    }
}
