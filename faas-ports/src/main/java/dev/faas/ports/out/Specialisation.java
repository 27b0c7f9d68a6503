package dev.faas.ports.out;

import java.util.Map;

/**
 * What an instance is given, beyond its version's definition, when it is specialised for that version: the values
 * of the secrets the version reads, by name. Never logged: {@link #toString()} names the secrets only.
 */
public record Specialisation(Map<String, String> secretValues) {

    public static final Specialisation NONE = new Specialisation(Map.of());

    public Specialisation {
        secretValues = Map.copyOf(secretValues);
    }

    @Override
    public String toString() {
        return "Specialisation[secrets=" + secretValues.keySet() + "]";
    }
}
