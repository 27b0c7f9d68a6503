package dev.faas.ports.in;

import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.out.DependencyBuilder;

/** A stored version and, when it has requirements, the dependency layer it got (built now or cached). */
public record RegisteredVersion(FunctionDefinition definition, DependencyBuilder.Layer dependencies) {
}
