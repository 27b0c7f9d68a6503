package dev.faas.adapter.memory;

import dev.faas.ports.out.ApiKeyRepository;
import dev.faas.testkit.ApiKeyRepositoryContract;

class InMemoryApiKeyRepositoryTest extends ApiKeyRepositoryContract {

    @Override
    protected ApiKeyRepository createRepository() {
        return new InMemoryApiKeyRepository();
    }
}
