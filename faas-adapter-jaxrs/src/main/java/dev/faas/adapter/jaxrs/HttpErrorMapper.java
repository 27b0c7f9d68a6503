package dev.faas.adapter.jaxrs;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Maps Jersey's own HTTP errors (unknown path, wrong method, media types) to problem documents. */
final class HttpErrorMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException exception) {
        int status = exception.getResponse().getStatus();
        ProblemType type = switch (status) {
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? ProblemType.INTERNAL_ERROR : ProblemType.HTTP_ERROR;
        };
        if (status >= 500) {
            return UnexpectedErrorMapper.internalError(exception);
        }
        Problem problem = Problem.of(type, status, describe(status, exception));
        if (status == 405) {
            problem.header("Allow", exception.getResponse().getHeaderString("Allow"));
        }
        return problem.build();
    }

    private static String describe(int status, WebApplicationException exception) {
        return switch (status) {
            case 404 -> "no resource at this path";
            case 405 -> "this path does not accept that method";
            default -> exception.getMessage();
        };
    }
}
