package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.FaasException;
import dev.faas.ports.error.FunctionNotFoundException;
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
