package dev.faas.ports.model;

/** A registered name with its newest live version and how many versions of it are stored. */
public record FunctionSummary(FunctionName name, int latestVersion, int versionCount) {
}
