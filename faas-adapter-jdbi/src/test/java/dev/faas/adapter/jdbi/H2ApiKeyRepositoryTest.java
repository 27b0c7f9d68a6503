package dev.faas.adapter.jdbi;

import dev.faas.ports.out.ApiKeyRepository;
import dev.faas.testkit.ApiKeyRepositoryContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class H2ApiKeyRepositoryTest extends ApiKeyRepositoryContract {

    @RegisterExtension
    static final H2Store database = new H2Store(JdbiFunctionRepository::open);

    @Override
    protected ApiKeyRepository createRepository() {
        return database.repository().apiKeys();
    }
}
