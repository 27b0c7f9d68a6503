package dev.faas.testkit;

import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.FunctionSummary;
import dev.faas.ports.model.NewFunctionVersion;
import dev.faas.ports.out.FunctionRepository;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A repository that hands every call to another: tests extend it and override only the calls they count, fail or
 * hold up.
 */
public abstract class ForwardingFunctionRepository implements FunctionRepository {

    private final FunctionRepository delegate;

    protected ForwardingFunctionRepository(FunctionRepository delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public FunctionDefinition add(NewFunctionVersion version) {
        return delegate.add(version);
    }

    @Override
    public Optional<FunctionDefinition> find(FunctionId id) {
        return delegate.find(id);
    }

    @Override
    public Optional<FunctionDefinition> findLatest(FunctionName name) {
        return delegate.findLatest(name);
    }

    @Override
    public List<FunctionDefinition> versions(FunctionName name) {
        return delegate.versions(name);
    }

    @Override
    public List<FunctionSummary> list(FunctionName afterName, int limit) {
        return delegate.list(afterName, limit);
    }

    @Override
    public boolean delete(FunctionId id) {
        return delegate.delete(id);
    }

    @Override
    public List<FunctionId> deleteAll(FunctionName name) {
        return delegate.deleteAll(name);
    }
}
