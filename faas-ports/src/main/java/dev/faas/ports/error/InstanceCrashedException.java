package dev.faas.ports.error;

/**
 * The instance serving a call died or stopped speaking the protocol: killed from outside, out of memory, the
 * runner's socket closed or corrupted. {@link #outOfMemory()} tells the memory limit was the cause.
 */
public class InstanceCrashedException extends PlatformException {

    private final boolean outOfMemory;
    private final String logs;

    public InstanceCrashedException(String reason, boolean outOfMemory, String logs) {
        super(reason);
        this.outOfMemory = outOfMemory;
        this.logs = logs == null ? "" : logs;
    }

    public InstanceCrashedException(String reason, Throwable cause) {
        super(reason, cause);
        this.outOfMemory = false;
        this.logs = "";
    }

    public boolean outOfMemory() {
        return outOfMemory;
    }

    /** The last lines the instance wrote outside of calls, if any were captured. */
    public String logs() {
        return logs;
    }
}
