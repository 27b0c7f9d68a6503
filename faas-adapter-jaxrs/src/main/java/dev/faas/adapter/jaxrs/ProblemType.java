package dev.faas.adapter.jaxrs;

/**
 * The stable kinds of error the HTTP API reports, each with its RFC 9457 {@code type} URI, title and status.
 * Clients may switch on {@link #uri()}; it never changes for a condition.
 */
public enum ProblemType {
    INVALID_JSON("invalid-json", "Malformed JSON body", 400),
    INVALID_REQUEST("invalid-request", "Invalid request", 400),
    INVALID_CODE("invalid-code", "The code does not load", 400),
    INVALID_ENV("invalid-env", "Invalid environment", 400),
    ARCHIVE_NOT_ZIP("archive-not-zip", "The archive is not a valid zip", 400),
    ARCHIVE_TOO_LARGE("archive-too-large", "The archive unpacks to too much", 400),
    ARCHIVE_UNSAFE_PATH("archive-unsafe-path", "The archive holds an unsafe path", 400),
    ARCHIVE_LINK("archive-link", "The archive holds a link", 400),
    ARCHIVE_TOO_MANY_FILES("archive-too-many-files", "The archive holds too many files", 400),
    HANDLER_MODULE_MISSING("handler-module-missing", "The handler's module is not in the archive", 400),
    REQUIREMENTS_FAILED("requirements-failed", "The requirements could not be installed", 400),
    ENV_TOO_LARGE("env-too-large", "Environment too large", 400),
    UNKNOWN_SECRET("unknown-secret", "The version names a secret that is not stored", 400),
    SECRET_NOT_FOUND("secret-not-found", "Secret not found", 404),
    SECRET_MISSING("secret-missing", "A secret of the function was deleted", 409),
    SECRETS_NOT_CONFIGURED("secrets-not-configured", "Secrets are not enabled on this node", 503),
    FUNCTION_NOT_FOUND("function-not-found", "Function not found", 404),
    ACTIVATION_NOT_FOUND("activation-not-found", "Activation not found", 404),
    SCHEDULE_NOT_FOUND("schedule-not-found", "Schedule not found", 404),
    PAYLOAD_TOO_LARGE("payload-too-large", "Payload too large", 413),
    FUNCTION_ERROR("function-error", "The function raised an exception", 422),
    FUNCTION_INIT_ERROR("function-init-error", "The function's code could not be loaded", 422),
    INVALID_RESULT("invalid-result", "The function's result is not JSON", 422),
    CAPACITY_EXCEEDED("capacity-exceeded", "Too many concurrent calls", 429),
    ASYNC_QUEUE_FULL("async-queue-full", "The function's asynchronous queue is full", 429),
    INSTANCE_CRASHED("instance-crashed", "The function's sandbox died during the call", 502),
    OUT_OF_MEMORY("out-of-memory", "The function ran out of memory", 502),
    UNABLE_TO_START("unable-to-start", "No sandbox could be started", 503),
    STORE_UNAVAILABLE("store-unavailable", "The function store is unavailable", 503),
    SHUTTING_DOWN("shutting-down", "The node is shutting down", 503),
    FUNCTION_TIMEOUT("function-timeout", "The function did not finish in time", 504),
    NODE_LOST("node-lost", "The node running the call was lost on its last attempt", 503),
    ACTIVATION_EXPIRED("activation-expired", "The call waited in the queue too long", 503),
    UNAUTHENTICATED("unauthenticated", "Authentication required", 401),
    FORBIDDEN("forbidden", "Not allowed", 403),
    EGRESS_NOT_ALLOWED("egress-not-allowed", "Network egress not allowed on this node", 403),
    CROSS_SITE_REQUEST("cross-site-request", "Cross-site request refused", 403),
    FOREIGN_HOST("foreign-host", "Host not served without an API key", 421),
    NOT_FOUND("not-found", "No such resource", 404),
    METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", 405),
    NOT_ACCEPTABLE("not-acceptable", "Not acceptable", 406),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", 415),
    HTTP_ERROR("http-error", "HTTP error", 400),
    INTERNAL_ERROR("internal-error", "Internal server error", 500);

    private static final String PREFIX = "urn:faas:problem:";

    private final String slug;
    private final String title;
    private final int status;

    ProblemType(String slug, String title, int status) {
        this.slug = slug;
        this.title = title;
        this.status = status;
    }

    /**
     * The type a failure is reported with, as the exception mappers report it (a test holds them to it); for
     * labelling metrics. Anything unforeseen is {@link #INTERNAL_ERROR}.
     */
    public static ProblemType of(Throwable failure) {
        return ProblemTable.type(failure);
    }

    /** The type whose {@link #slug()} this is; {@link #INTERNAL_ERROR} for a slug this node does not know. */
    public static ProblemType ofSlug(String slug) {
        for (ProblemType type : values()) {
            if (type.slug.equals(slug)) {
                return type;
            }
        }
        return INTERNAL_ERROR;
    }

    public String uri() {
        return PREFIX + slug;
    }

    /** The last part of {@link #uri()}, such as {@code function-error}. */
    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public int status() {
        return status;
    }
}
