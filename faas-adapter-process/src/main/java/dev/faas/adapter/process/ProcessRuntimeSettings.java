package dev.faas.adapter.process;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the process runtime: the python3 command, the node command (for {@code nodejs} versions; {@code null}
 * offers Python only), the directory under which each instance gets its private
 * socket directory (the runtime keeps it {@code rwx------}: give it a directory of its own), how long a runner may
 * take to connect and answer its first ping, and the per-call log limit.
 */
public record ProcessRuntimeSettings(String pythonCommand, Path workDirectory, Duration startTimeout,
                                     int logLimitBytes, String nodeCommand) {

    /** The node command unless told otherwise ({@code FAAS_NODE}). */
    public static final String DEFAULT_NODE = "node";

    public ProcessRuntimeSettings(String pythonCommand, Path workDirectory, Duration startTimeout, int logLimitBytes) {
        this(pythonCommand, workDirectory, startTimeout, logLimitBytes, DEFAULT_NODE);
    }

    public static ProcessRuntimeSettings defaults(Path workDirectory) {
        return new ProcessRuntimeSettings("python3", workDirectory, Duration.ofSeconds(10), 64 * 1024);
    }

    /** These settings with another node command. */
    public ProcessRuntimeSettings withNodeCommand(String command) {
        return new ProcessRuntimeSettings(pythonCommand, workDirectory, startTimeout, logLimitBytes, command);
    }
}
