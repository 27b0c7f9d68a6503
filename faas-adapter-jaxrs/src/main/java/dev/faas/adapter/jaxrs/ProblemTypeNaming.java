package dev.faas.adapter.jaxrs;

import dev.faas.ports.out.ProblemNaming;

/** The API's problem types as a {@link ProblemNaming} service (registered in {@code META-INF/services}). */
public final class ProblemTypeNaming implements ProblemNaming {

    @Override
    public String slug(RuntimeException failure) {
        return ProblemType.of(failure).slug();
    }
}
