package dev.faas.adapter.jaxrs;

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

    @Override
    public Response toResponse(Throwable exception) {
        return internalError(exception);
    }

    static Response internalError(Throwable exception) {
        String errorId = UUID.randomUUID().toString();
        LOG.error("unexpected error {}", errorId, exception);
        return Problem.of(ProblemType.INTERNAL_ERROR, "an unexpected error occurred; it was logged as " + errorId)
                .with("errorId", errorId).build();
    }
}
