package dev.faas.adapter.jdbi;

import dev.faas.ports.out.SecretRepository;
import dev.faas.testkit.SecretRepositoryContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("postgres")
class PostgresSecretRepositoryTest extends SecretRepositoryContract {

    @RegisterExtension
    static final PostgresStore database = PostgresStore.open();

    @Override
    protected SecretRepository createRepository() {
        return database.repository().secrets();
    }
}
