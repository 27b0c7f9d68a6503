package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.FaasException;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.InvalidCodeException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.PayloadTooLargeException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Maps the caller's mistakes (bad input, unknown function, too large) to 4xx problem documents. */
final class ClientErrorMapper implements ExceptionMapper<FaasException> {

    @Override
    public Response toResponse(FaasException exception) {
        if (exception instanceof MalformedBodyException malformed) {
            return Problem.of(ProblemType.INVALID_JSON, malformed.getMessage()).build();
        }
        if (exception instanceof InvalidCodeException invalidCode) {
            Problem problem = Problem.of(ProblemType.INVALID_CODE, invalidCode.getMessage()).with("field", "code");
            com.fasterxml.jackson.databind.node.ObjectNode error = problem.object("error");
            error.put("type", invalidCode.errorType());
            error.put("message", invalidCode.errorMessage());
            error.put("traceback", invalidCode.traceback());
            if (invalidCode.line() > 0) {
                error.put("line", invalidCode.line());
            }
            return problem.build();
        }
        if (exception instanceof InvalidRequestException invalid) {
            return Problem.of(ProblemType.INVALID_REQUEST, invalid.getMessage()).with("field", invalid.field()).build();
        }
        if (exception instanceof FunctionNotFoundException notFound) {
            return Problem.of(ProblemType.FUNCTION_NOT_FOUND, notFound.getMessage())
                    .with("function", notFound.reference()).build();
        }
        if (exception instanceof PayloadTooLargeException tooLarge) {
            return Problem.of(ProblemType.PAYLOAD_TOO_LARGE, tooLarge.getMessage())
                    .with("limitBytes", tooLarge.limitBytes()).build();
        }
        return UnexpectedErrorMapper.internalError(exception);
    }
}
