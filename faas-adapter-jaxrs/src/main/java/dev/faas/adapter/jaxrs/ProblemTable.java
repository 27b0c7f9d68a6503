package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.ports.error.ActivationNotFoundException;
import dev.faas.ports.error.ApiKeyNotFoundException;
import dev.faas.ports.error.AsyncQueueFullException;
import dev.faas.ports.error.CapacityExceededException;
import dev.faas.ports.error.EgressNotAllowedException;
import dev.faas.ports.error.PermissionNotHeldException;
import dev.faas.ports.error.ForbiddenException;
import dev.faas.ports.error.FunctionCodeException;
import dev.faas.ports.error.FunctionInitException;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.InstanceTimeoutException;
import dev.faas.ports.error.InvalidCodeException;
import dev.faas.ports.error.InvalidArchiveException;
import dev.faas.ports.error.RequirementsFailedException;
import dev.faas.ports.error.InvalidEnvironmentException;
import dev.faas.ports.error.MissingSecretException;
import dev.faas.ports.error.SecretNotFoundException;
import dev.faas.ports.error.SecretsNotConfiguredException;
import dev.faas.ports.error.UnknownSecretException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.InvalidResultException;
import dev.faas.ports.error.PayloadTooLargeException;
import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.ports.error.ScheduleNotFoundException;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.error.UnauthenticatedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure the API reports, in one table: an exception class, the {@link ProblemType} it is reported as, and
 * what its problem document says ({@code detail} and any further members or headers). A failure takes the row of its
 * nearest class in the table; anything unforeseen is a 500 whose stack trace goes to the log under an error id, never
 * to the caller. Thread-safe.
 */
final class ProblemTable {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemTable.class);

    /** The 401 challenge of RFC 6750, with its {@code invalid_token} error when a key was presented. */
    static final String CHALLENGE = "Bearer realm=\"faas\"";

    private static final Map<Class<?>, Row<?>> ROWS = new LinkedHashMap<>();

    static {
        // The caller's mistakes.
        row(MalformedBodyException.class, failure -> ProblemType.INVALID_JSON);
        row(InvalidCodeException.class, failure -> ProblemType.INVALID_CODE, (failure, problem, requestId) -> {
            problem.with("field", "code");
            error(problem, failure.errorType(), failure.errorMessage(), failure.traceback(), failure.line());
        });
        row(InvalidRequestException.class, failure -> ProblemType.INVALID_REQUEST,
                (failure, problem, requestId) -> problem.with("field", failure.field()));
        row(InvalidEnvironmentException.class,
                failure -> failure.tooLarge() ? ProblemType.ENV_TOO_LARGE : ProblemType.INVALID_ENV,
                (failure, problem, requestId) -> problem.with("field", failure.field()));
        row(InvalidArchiveException.class, failure -> switch (failure.reason()) {
            case NOT_A_ZIP -> ProblemType.ARCHIVE_NOT_ZIP;
            case TOO_LARGE -> ProblemType.ARCHIVE_TOO_LARGE;
            case UNSAFE_PATH -> ProblemType.ARCHIVE_UNSAFE_PATH;
            case LINK -> ProblemType.ARCHIVE_LINK;
            case TOO_MANY_FILES -> ProblemType.ARCHIVE_TOO_MANY_FILES;
            case HANDLER_MODULE_MISSING -> ProblemType.HANDLER_MODULE_MISSING;
        }, (failure, problem, requestId) -> problem.with("field", failure.field()));
        row(RequirementsFailedException.class, failure -> ProblemType.REQUIREMENTS_FAILED,
                (failure, problem, requestId) -> problem.with("field", failure.field())
                        .with("pipOutput", failure.pipOutput()));
        // Secrets: names only, never a value (no message of these exceptions holds one).
        row(UnknownSecretException.class, failure -> ProblemType.UNKNOWN_SECRET,
                (failure, problem, requestId) -> problem.with("field", failure.field())
                        .with("secrets", String.join(",", failure.names())));
        row(SecretNotFoundException.class, failure -> ProblemType.SECRET_NOT_FOUND,
                (failure, problem, requestId) -> problem.with("secret", failure.name().value()));
        row(MissingSecretException.class, failure -> ProblemType.SECRET_MISSING,
                (failure, problem, requestId) -> problem.with("function", failure.functionId().toString())
                        .with("secrets", String.join(",", failure.names())));
        row(SecretsNotConfiguredException.class, failure -> ProblemType.SECRETS_NOT_CONFIGURED);
        row(FunctionNotFoundException.class, failure -> ProblemType.FUNCTION_NOT_FOUND,
                (failure, problem, requestId) -> problem.with("function", failure.reference()));
        row(ActivationNotFoundException.class, failure -> ProblemType.ACTIVATION_NOT_FOUND,
                (failure, problem, requestId) -> problem.with("activationId", failure.activationId()));
        row(ScheduleNotFoundException.class, failure -> ProblemType.SCHEDULE_NOT_FOUND,
                (failure, problem, requestId) -> problem.with("scheduleId", failure.scheduleId()));
        row(PayloadTooLargeException.class, failure -> ProblemType.PAYLOAD_TOO_LARGE,
                (failure, problem, requestId) -> problem.with("limitBytes", failure.limitBytes()));
        row(EgressNotAllowedException.class, failure -> ProblemType.EGRESS_NOT_ALLOWED,
                (failure, problem, requestId) -> problem.with("field", "network"));
        // Faults of the user's function: the Python exception and the call's logs.
        row(FunctionInitException.class, failure -> ProblemType.FUNCTION_INIT_ERROR, ProblemTable::codeFault);
        row(InvalidResultException.class, failure -> ProblemType.INVALID_RESULT, ProblemTable::codeFault);
        row(FunctionCodeException.class, failure -> ProblemType.FUNCTION_ERROR, ProblemTable::codeFault);
        // Platform faults.
        row(InstanceTimeoutException.class, failure -> ProblemType.FUNCTION_TIMEOUT, (failure, problem, requestId) ->
                problem.with("timeoutMs", failure.timeout().toMillis()).with("logs", failure.logs()));
        row(CapacityExceededException.class, failure -> ProblemType.CAPACITY_EXCEEDED, (failure, problem, requestId) ->
                problem.header("Retry-After", Math.max(1, failure.retryAfter().toSeconds())));
        row(AsyncQueueFullException.class, failure -> ProblemType.ASYNC_QUEUE_FULL, (failure, problem, requestId) ->
                problem.with("function", failure.functionName()).with("queueMax", failure.limit())
                        .header("Retry-After", Math.max(1, failure.retryAfter().toSeconds())));
        row(InstanceCrashedException.class,
                failure -> failure.outOfMemory() ? ProblemType.OUT_OF_MEMORY : ProblemType.INSTANCE_CRASHED,
                (failure, problem, requestId) -> problem.with("logs", failure.logs()));
        // The reason may quote the Docker engine or name host paths: for the operator's log, not for callers.
        row(UnableToStartInstanceException.class, failure -> ProblemType.UNABLE_TO_START,
                (failure, requestId) -> "no instance of the function could be started; the cause is in the server's"
                        + " log under request id " + requestId + "; retry later",
                (failure, problem, requestId) -> {
                    LOG.warn("request_id={} could not start an instance: {}", requestId, failure.getMessage());
                    problem.header("Retry-After", 5);
                });
        // The cause names the database and its driver: for the operator's log, not for API callers.
        row(RepositoryUnavailableException.class, failure -> ProblemType.STORE_UNAVAILABLE,
                (failure, requestId) -> "the function store cannot be reached right now; retry later",
                (failure, problem, requestId) -> {
                    LOG.warn("request_id={} function store unavailable: {}", requestId, failure.getMessage());
                    problem.header("Retry-After", 5);
                });
        // Access.
        row(UnauthenticatedException.class, failure -> ProblemType.UNAUTHENTICATED, (failure, problem, requestId) ->
                problem.header(HttpHeaders.WWW_AUTHENTICATE,
                                failure.reason() == UnauthenticatedException.Reason.INVALID_CREDENTIALS
                                        ? CHALLENGE + ", error=\"invalid_token\"" : CHALLENGE)
                        .header("Cache-Control", "no-store"));
        row(ForbiddenException.class, failure -> ProblemType.FORBIDDEN,
                (failure, problem, requestId) -> problem.with("requiredRole", failure.requiredRole().wireName()));
        row(PermissionNotHeldException.class, failure -> ProblemType.FORBIDDEN,
                (failure, problem, requestId) -> problem.with("requiredPermission", failure.permission().wireName()));
        row(ApiKeyNotFoundException.class, failure -> ProblemType.NOT_FOUND,
                (failure, problem, requestId) -> problem.with("keyId", failure.id().value()));
        // Jersey's own HTTP errors (unknown path, wrong method, media types); its 5xx are unexpected errors.
        row(WebApplicationException.class, ProblemTable::httpError, (failure, requestId) -> switch (status(failure)) {
            case 404 -> "no resource at this path";
            case 405 -> "this path does not accept that method";
            default -> failure.getMessage();
        }, (failure, problem, requestId) -> {
            if (status(failure) == 405) {
                problem.header("Allow", failure.getResponse().getHeaderString("Allow"));
            }
        });
        row(Throwable.class, failure -> ProblemType.INTERNAL_ERROR, (failure, requestId) -> null, null);
    }

    private static final ClassValue<Row<?>> NEAREST = new ClassValue<>() {
        @Override
        protected Row<?> computeValue(Class<?> failureClass) {
            for (Class<?> candidate = failureClass; candidate != null; candidate = candidate.getSuperclass()) {
                Row<?> row = ROWS.get(candidate);
                if (row != null) {
                    return row;
                }
            }
            return ROWS.get(Throwable.class);
        }
    };

    private ProblemTable() {
    }

    /** The type {@code failure} is reported as; for labelling metrics, too. */
    static ProblemType type(Throwable failure) {
        return row(failure).type(failure);
    }

    /** The problem document {@code failure} is reported with, for the request of id {@code requestId}. */
    static Problem problem(Throwable failure, String requestId) {
        ProblemType type = type(failure);
        if (type == ProblemType.INTERNAL_ERROR) {
            return internalError(failure, requestId);
        }
        Row<?> row = row(failure);
        return row.problem(failure, type, requestId);
    }

    /** A 500 whose exception is logged with its stack trace under a new error id and the request's id. */
    static Problem internalError(Throwable failure, String requestId) {
        String errorId = UUID.randomUUID().toString();
        LOG.error("unexpected error {} (request_id={})", errorId, requestId, failure);
        return Problem.of(ProblemType.INTERNAL_ERROR, "an unexpected error occurred; it was logged as " + errorId)
                .with("errorId", errorId);
    }

    private static Row<?> row(Throwable failure) {
        return NEAREST.get(failure.getClass());
    }

    private static <E extends Throwable> void row(Class<E> failure, Function<E, ProblemType> type) {
        row(failure, type, (exception, requestId) -> exception.getMessage(), null);
    }

    private static <E extends Throwable> void row(Class<E> failure, Function<E, ProblemType> type,
                                                  Members<E> members) {
        row(failure, type, (exception, requestId) -> exception.getMessage(), members);
    }

    private static <E extends Throwable> void row(Class<E> failure, Function<E, ProblemType> type, Detail<E> detail,
                                                  Members<E> members) {
        ROWS.put(failure, new Row<>(failure, type, detail, members));
    }

    private static void codeFault(FunctionCodeException failure, Problem problem, String requestId) {
        error(problem, failure.errorType(), failure.errorMessage(), failure.traceback(),
                failure instanceof FunctionInitException init ? init.line() : 0);
        problem.with("logs", failure.logs());
    }

    private static void error(Problem problem, String type, String message, String traceback, int line) {
        ObjectNode error = problem.object("error");
        error.put("type", type);
        error.put("message", message);
        error.put("traceback", traceback);
        if (line > 0) {
            error.put("line", line);
        }
    }

    private static ProblemType httpError(WebApplicationException failure) {
        return switch (status(failure)) {
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            default -> status(failure) >= 500 ? ProblemType.INTERNAL_ERROR : ProblemType.HTTP_ERROR;
        };
    }

    private static int status(WebApplicationException failure) {
        return failure.getResponse().getStatus();
    }

    /** The {@code detail} of a failure's problem document. */
    @FunctionalInterface
    private interface Detail<E extends Throwable> {
        String of(E failure, String requestId);
    }

    /** The members and headers a failure's problem document has beyond type, title, status and detail. */
    @FunctionalInterface
    private interface Members<E extends Throwable> {
        void add(E failure, Problem problem, String requestId);
    }

    private record Row<E extends Throwable>(Class<E> failureClass, Function<E, ProblemType> typeOf, Detail<E> detail,
                                            Members<E> members) {

        ProblemType type(Throwable failure) {
            return typeOf.apply(failureClass.cast(failure));
        }

        Problem problem(Throwable failure, ProblemType type, String requestId) {
            E typed = failureClass.cast(failure);
            // Jersey's HTTP errors keep their own status (a 400 http-error may be any 4xx).
            int status = typed instanceof WebApplicationException http ? status(http) : type.status();
            Problem problem = Problem.of(type, status, detail.of(typed, requestId));
            if (members != null) {
                members.add(typed, problem, requestId);
            }
            return problem;
        }
    }
}
