package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.ports.error.FunctionCodeException;
import dev.faas.ports.error.FunctionInitException;
import dev.faas.ports.error.InvalidResultException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * Maps faults of the user's function to 422 problem documents carrying the Python exception's type, message and
 * traceback, and the call's logs, under {@code error} and {@code logs}.
 */
final class FunctionCodeErrorMapper implements ExceptionMapper<FunctionCodeException> {

    @Override
    public Response toResponse(FunctionCodeException exception) {
        ProblemType type = exception instanceof FunctionInitException ? ProblemType.FUNCTION_INIT_ERROR
                : exception instanceof InvalidResultException ? ProblemType.INVALID_RESULT
                : ProblemType.FUNCTION_ERROR;
        Problem problem = Problem.of(type, exception.getMessage());
        ObjectNode error = problem.object("error");
        error.put("type", exception.errorType());
        error.put("message", exception.errorMessage());
        error.put("traceback", exception.traceback());
        if (exception instanceof FunctionInitException init && init.line() > 0) {
            error.put("line", init.line());
        }
        return problem.with("logs", exception.logs()).build();
    }
}
