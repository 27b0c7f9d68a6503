package dev.faas.ports.error;

/**
 * The user's function code failed: it raised, did not compile, lacks its handler, or returned something that is
 * not JSON. The platform itself is fine; the user has to fix the function.
 */
public abstract class FunctionCodeException extends FaasException {

    private final String errorType;
    private final String errorMessage;
    private final String traceback;
    private final String logs;

    protected FunctionCodeException(String summary, String errorType, String errorMessage, String traceback,
                                    String logs) {
        super(summary);
        this.errorType = errorType;
        this.errorMessage = errorMessage;
        this.traceback = traceback == null ? "" : traceback;
        this.logs = logs == null ? "" : logs;
    }

    /** The Python exception's type name, such as {@code ZeroDivisionError}. */
    public String errorType() {
        return errorType;
    }

    /** The Python exception's message. */
    public String errorMessage() {
        return errorMessage;
    }

    /** The user's part of the Python traceback; empty when there is none. */
    public String traceback() {
        return traceback;
    }

    /** What the call printed to stdout and stderr before it failed, bounded. */
    public String logs() {
        return logs;
    }
}
