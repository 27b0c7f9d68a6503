package dev.faas.python;

import dev.faas.ports.error.InstanceCrashedException;
import java.io.IOException;

/**
 * The connection to a runner failed in the middle of a call: the runner died or was killed, or the socket was
 * closed. Only the runtime knows whether it killed the runner itself (a deadline), so it translates this into
 * {@link dev.faas.ports.error.InstanceTimeoutException} or, by default, {@link #toInstanceCrashed()}.
 */
public class RunnerConnectionLostException extends RuntimeException {

    public RunnerConnectionLostException(IOException cause) {
        super("the connection to the runner was lost: " + cause.getMessage(), cause);
    }

    @Override
    public IOException getCause() {
        return (IOException) super.getCause();
    }

    /** The platform's view of this failure when nobody killed the runner on purpose. */
    public InstanceCrashedException toInstanceCrashed() {
        return new InstanceCrashedException("the instance died during the call: " + getCause().getMessage(), this);
    }
}
