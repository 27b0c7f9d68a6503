package dev.faas.ports.model;

/**
 * A registered name with its newest live version, how many versions of it are stored, and the language runtime of
 * the newest.
 */
public record FunctionSummary(FunctionName name, int latestVersion, int versionCount, String latestRuntime) {

    /** A summary whose newest version has the default runtime. */
    public FunctionSummary(FunctionName name, int latestVersion, int versionCount) {
        this(name, latestVersion, versionCount, VersionOptions.DEFAULT_RUNTIME);
    }
}
