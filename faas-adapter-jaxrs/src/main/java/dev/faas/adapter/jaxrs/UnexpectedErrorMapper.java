package dev.faas.adapter.jaxrs;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last resort: any other exception is logged with its stack trace under an error id, and the caller gets a 500
 * problem document naming that id, never the stack trace.
 */
final class UnexpectedErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedErrorMapper.class);

    /** The request being answered; null when the mapper is used outside Jersey. */
    @Inject
    private Provider<ContainerRequestContext> requests;

    @Override
    public Response toResponse(Throwable exception) {
        return internalError(exception, RequestLogFilter.requestId(requests));
    }

    static Response internalError(Throwable exception) {
        return internalError(exception, "unknown");
    }

    /** A 500 whose exception is logged with its stack trace under a new error id and the request's id. */
    static Response internalError(Throwable exception, String requestId) {
        String errorId = UUID.randomUUID().toString();
        LOG.error("unexpected error {} (request_id={})", errorId, requestId, exception);
        return Problem.of(ProblemType.INTERNAL_ERROR, "an unexpected error occurred; it was logged as " + errorId)
                .with("errorId", errorId).build();
    }
}
