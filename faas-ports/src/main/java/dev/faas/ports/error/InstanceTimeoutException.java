package dev.faas.ports.error;

import java.time.Duration;

/** A call did not finish within its function's timeout; its instance was killed and will not be reused. */
public class InstanceTimeoutException extends PlatformException {

    private final Duration timeout;
    private final String logs;

    public InstanceTimeoutException(Duration timeout, String logs) {
        super("the function did not finish within its timeout of " + timeout.toMillis() + " ms");
        this.timeout = timeout;
        this.logs = logs == null ? "" : logs;
    }

    public Duration timeout() {
        return timeout;
    }

    public String logs() {
        return logs;
    }
}
