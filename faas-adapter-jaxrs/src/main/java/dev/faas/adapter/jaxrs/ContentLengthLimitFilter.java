package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.PayloadTooLargeException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;

/** Refuses a request whose declared length is over the limit before its body is read at all. */
@PreMatching
@Priority(Priorities.ENTITY_CODER)
final class ContentLengthLimitFilter implements ContainerRequestFilter {

    private final int maxBytes;

    ContentLengthLimitFilter(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getLength() > maxBytes) {
            throw new PayloadTooLargeException("the request body", maxBytes);
        }
    }
}
