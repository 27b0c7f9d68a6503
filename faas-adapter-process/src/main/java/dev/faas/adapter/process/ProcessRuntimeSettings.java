package dev.faas.adapter.process;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the process runtime: the python3 command, the directory under which each instance gets its private
 * socket directory (the runtime keeps it {@code rwx------}: give it a directory of its own), how long a runner may
 * take to connect and answer its first ping, and the per-call log limit.
 */
public record ProcessRuntimeSettings(String pythonCommand, Path workDirectory, Duration startTimeout,
                                     int logLimitBytes) {

    public static ProcessRuntimeSettings defaults(Path workDirectory) {
        return new ProcessRuntimeSettings("python3", workDirectory, Duration.ofSeconds(10), 64 * 1024);
    }
}
