package dev.faas.python;

/**
 * What a runtime learned of a runner's end after its start failed or its connection broke: whether it still runs,
 * whether the kernel killed it for memory, its exit status ({@code null} when nobody could say: the container or
 * process vanished) and its last output.
 */
public record RunnerExit(boolean stillRunning, boolean outOfMemory, Long exitStatus, String logTail) {

    public RunnerExit {
        logTail = logTail == null ? "" : logTail;
    }

    /** A runner that has not ended (it closed its connection, or its end is not known yet). */
    public static RunnerExit running(String logTail) {
        return new RunnerExit(true, false, null, logTail);
    }

    /** A runner that ended with {@code status}. */
    public static RunnerExit exited(long status, boolean outOfMemory, String logTail) {
        return new RunnerExit(false, outOfMemory, status, logTail);
    }

    /** A runner whose end nobody can describe any more. */
    public static RunnerExit vanished(String logTail) {
        return new RunnerExit(false, false, null, logTail);
    }

    /** An exit status as people read it: {@code 137, signal 9} for a status above 128 that a signal gave. */
    public static String describeStatus(long status) {
        return status > 128 && status < 160 ? status + ", signal " + (status - 128) : Long.toString(status);
    }
}
