package dev.faas.ports.error;

/** A runtime could not start a new instance; {@link #logs()} holds what the instance printed before it failed. */
public class UnableToStartInstanceException extends PlatformException {

    private final String logs;

    public UnableToStartInstanceException(String reason, String logs) {
        super(reason);
        this.logs = logs == null ? "" : logs;
    }

    public UnableToStartInstanceException(String reason, Throwable cause) {
        super(reason, cause);
        this.logs = "";
    }

    public String logs() {
        return logs;
    }
}
