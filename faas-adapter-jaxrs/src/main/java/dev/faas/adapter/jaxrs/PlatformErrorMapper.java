package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.CapacityExceededException;
import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.InstanceTimeoutException;
import dev.faas.ports.error.PlatformException;
import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.ports.error.UnableToStartInstanceException;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps platform faults (timeout, crash, out of memory, capacity, store down) to 429/5xx problem documents. Faults
 * whose message is for the operator (why no instance starts: the engine's own error text, host paths such as socket
 * directories; which database is down) get a generic detail naming the request id, and the full message goes to the
 * log with that id.
 */
final class PlatformErrorMapper implements ExceptionMapper<PlatformException> {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformErrorMapper.class);

    /** The request being answered; null when the mapper is used outside Jersey. */
    @Inject
    private Provider<ContainerRequestContext> requests;

    @Override
    public Response toResponse(PlatformException exception) {
        if (exception instanceof InstanceTimeoutException timeout) {
            return Problem.of(ProblemType.FUNCTION_TIMEOUT, timeout.getMessage())
                    .with("timeoutMs", timeout.timeout().toMillis()).with("logs", timeout.logs()).build();
        }
        if (exception instanceof CapacityExceededException capacity) {
            long seconds = Math.max(1, capacity.retryAfter().toSeconds());
            return Problem.of(ProblemType.CAPACITY_EXCEEDED, capacity.getMessage())
                    .header("Retry-After", seconds).build();
        }
        if (exception instanceof InstanceCrashedException crashed) {
            ProblemType type = crashed.outOfMemory() ? ProblemType.OUT_OF_MEMORY : ProblemType.INSTANCE_CRASHED;
            return Problem.of(type, crashed.getMessage()).with("logs", crashed.logs()).build();
        }
        if (exception instanceof UnableToStartInstanceException unableToStart) {
            // The reason may quote the Docker engine or name host paths: for the operator's log, not for callers.
            String requestId = requestId();
            LOG.warn("request_id={} could not start an instance: {}", requestId, unableToStart.getMessage());
            return Problem.of(ProblemType.UNABLE_TO_START, "no instance of the function could be started; the cause"
                            + " is in the server's log under request id " + requestId + "; retry later")
                    .header("Retry-After", 5).build();
        }
        if (exception instanceof RepositoryUnavailableException unavailable) {
            // The cause names the database and its driver: for the operator's log, not for API callers.
            LOG.warn("request_id={} function store unavailable: {}", requestId(), unavailable.getMessage());
            return Problem.of(ProblemType.STORE_UNAVAILABLE, "the function store cannot be reached right now; retry later")
                    .header("Retry-After", 5).build();
        }
        return UnexpectedErrorMapper.internalError(exception, requestId());
    }

    private String requestId() {
        return RequestLogFilter.requestId(requests);
    }
}
