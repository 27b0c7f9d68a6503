package dev.faas.adapter.memory;

import dev.faas.ports.out.SecretRepository;
import dev.faas.testkit.SecretRepositoryContract;

class InMemorySecretRepositoryTest extends SecretRepositoryContract {

    @Override
    protected SecretRepository createRepository() {
        return new InMemorySecretRepository();
    }
}
