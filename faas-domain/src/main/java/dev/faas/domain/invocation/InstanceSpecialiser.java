package dev.faas.domain.invocation;

import dev.faas.domain.secrets.SecretAccess;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.out.DependencyBuilder;
import dev.faas.ports.out.Specialisation;
import java.util.List;

/**
 * Everything an instance is given when it is specialised for a version: its secrets' values (read now) and, when it
 * has requirements, this node's dependency layer of them (built on first need: on a node that has not built it yet,
 * the first instance waits for the build). Thread-safe.
 */
public final class InstanceSpecialiser implements SecretAccess {

    private final SecretAccess secrets;
    private final DependencyBuilder dependencies;

    public InstanceSpecialiser(SecretAccess secrets, DependencyBuilder dependencies) {
        this.secrets = secrets;
        this.dependencies = dependencies;
    }

    @Override
    public void requireStored(List<String> names) {
        secrets.requireStored(names);
    }

    @Override
    public Specialisation specialise(FunctionDefinition definition) {
        Specialisation specialisation = secrets.specialise(definition);
        String requirements = definition.options().requirements();
        return requirements == null ? specialisation
                : specialisation.withDependencies(
                        dependencies.layer(definition.options().runtime(), requirements).directory());
    }
}
