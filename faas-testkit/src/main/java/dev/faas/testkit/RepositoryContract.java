package dev.faas.testkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the repository contracts share: a repository made afresh for each test by the implementation's subclass, and
 * handed back to it after the test.
 *
 * @param <R> the port under test
 */
public abstract class RepositoryContract<R> {

    private R repository;

    /** The repository under test; called before each test. */
    protected abstract R createRepository();

    /** Called after each test with the repository it used; override to close it or clear its store. */
    protected void cleanUp(R repository) throws Exception {
    }

    /** The repository the running test uses. */
    protected final R repository() {
        return repository;
    }

    @BeforeEach
    void createRepositoryUnderTest() {
        repository = createRepository();
    }

    @AfterEach
    void cleanUpRepositoryUnderTest() throws Exception {
        cleanUp(repository);
    }
}
