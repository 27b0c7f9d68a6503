package dev.faas.ports.model;

import java.util.Objects;

/**
 * A language runtime a node offers to function versions ({@link VersionOptions#runtime()}): its name as given at
 * registration ({@code python3}, {@code nodejs}), the language its runner runs, what starts it (the function image
 * in a container, the interpreter command of the process runtime), and the interpreter's version once an instance
 * has reported it ({@code null} before).
 */
public record LanguageRuntime(String name, String language, String launcher, String version) {

    public LanguageRuntime {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(launcher, "launcher");
    }
}
