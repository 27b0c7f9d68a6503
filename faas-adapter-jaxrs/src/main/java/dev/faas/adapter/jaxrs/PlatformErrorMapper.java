package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.CapacityExceededException;
import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.InstanceTimeoutException;
import dev.faas.ports.error.PlatformException;
import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.ports.error.UnableToStartInstanceException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps platform faults (timeout, crash, out of memory, capacity, store down) to 429/5xx problem documents. */
final class PlatformErrorMapper implements ExceptionMapper<PlatformException> {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformErrorMapper.class);

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
            LOG.warn("could not start an instance: {}", unableToStart.getMessage());
            return Problem.of(ProblemType.UNABLE_TO_START, unableToStart.getMessage())
                    .header("Retry-After", 5).build();
        }
        if (exception instanceof RepositoryUnavailableException unavailable) {
            // The cause names the database and its driver: for the operator's log, not for API callers.
            LOG.warn("function store unavailable: {}", unavailable.getMessage());
            return Problem.of(ProblemType.STORE_UNAVAILABLE, "the function store cannot be reached right now; retry later")
                    .header("Retry-After", 5).build();
        }
        return UnexpectedErrorMapper.internalError(exception);
    }
}
