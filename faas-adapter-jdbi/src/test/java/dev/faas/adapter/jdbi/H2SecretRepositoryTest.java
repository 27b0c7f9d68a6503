package dev.faas.adapter.jdbi;

import dev.faas.ports.out.SecretRepository;
import dev.faas.testkit.SecretRepositoryContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class H2SecretRepositoryTest extends SecretRepositoryContract {

    @RegisterExtension
    static final H2Store database = new H2Store(JdbiFunctionRepository::open);

    @Override
    protected SecretRepository createRepository() {
        return database.repository().secrets();
    }
}
