package dev.faas.ports.out;

import java.util.Map;

/**
 * What an instance is given, beyond its version's definition, when it is specialised for that version: the values
 * of the secrets the version reads, by name, and the directory of its dependency layer on this host (null when it has
 * no requirements). Never logged: {@link #toString()} names the secrets only.
 */
public record Specialisation(Map<String, String> secretValues, java.nio.file.Path dependencies) {

    public static final Specialisation NONE = new Specialisation(Map.of());

    public Specialisation {
        secretValues = Map.copyOf(secretValues);
    }

    public Specialisation(Map<String, String> secretValues) {
        this(secretValues, null);
    }

    /** This specialisation with the dependency layer in {@code directory}. */
    public Specialisation withDependencies(java.nio.file.Path directory) {
        return new Specialisation(secretValues, directory);
    }

    @Override
    public String toString() {
        return "Specialisation[secrets=" + secretValues.keySet() + ", dependencies=" + dependencies + "]";
    }
}
