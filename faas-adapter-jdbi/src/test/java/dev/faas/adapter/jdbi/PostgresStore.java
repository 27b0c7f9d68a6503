package dev.faas.adapter.jdbi;

import dev.faas.testkit.EmbeddedPostgresExtension;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link JdbiFunctionRepository} on the JVM's shared embedded PostgreSQL, in a database of the test class's own:
 * opened before the class and closed after it. Register it in a static {@code @RegisterExtension} field.
 */
final class PostgresStore implements BeforeAllCallback, AfterAllCallback {

    private final EmbeddedPostgresExtension postgres = EmbeddedPostgresExtension.shared();
    private final String nodeId;
    private JdbiFunctionRepository repository;

    private PostgresStore(String nodeId) {
        this.nodeId = nodeId;
    }

    /** A repository opened as the default node. */
    static PostgresStore open() {
        return new PostgresStore(null);
    }

    /** A repository opened as node {@code nodeId} (its change feed's origin). */
    static PostgresStore open(String nodeId) {
        return new PostgresStore(nodeId);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        postgres.beforeAll(context);
        JdbiRepositoryConfig config = JdbiRepositoryConfig.of(postgres.jdbcUrl(), EmbeddedPostgresExtension.USER,
                "postgres");
        repository = nodeId == null ? JdbiFunctionRepository.open(config)
                : JdbiFunctionRepository.open(config, nodeId);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (repository != null) {
                repository.close();
            }
        } finally {
            postgres.afterAll(context);
        }
    }

    JdbiFunctionRepository repository() {
        return repository;
    }

    /** Connections to the class's database, for looking behind the repository. */
    DataSource dataSource() {
        return postgres.dataSource();
    }
}
