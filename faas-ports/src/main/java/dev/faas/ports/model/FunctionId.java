package dev.faas.ports.model;

import dev.faas.ports.error.InvalidRequestException;

/**
 * One immutable version of a function, written {@code <name>-<version>} ({@code hello-1}, {@code my-func-12}).
 * The version is the digits after the last {@code -}, so a name may itself contain {@code -}.
 */
public record FunctionId(FunctionName name, int version) {

    public FunctionId {
        if (name == null) {
            throw new InvalidRequestException("name", "a function id needs a name");
        }
        if (version < 1) {
            throw new InvalidRequestException("version", "a version is a whole number from 1 up, got " + version);
        }
    }

    public static FunctionId of(String name, int version) {
        return new FunctionId(FunctionName.of(name), version);
    }

    /** Parses {@code hello-1}; versions are canonical (no sign, no leading zero). */
    public static FunctionId parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidRequestException("name", "a function id such as 'hello-1' is required");
        }
        int dash = text.lastIndexOf('-');
        if (dash <= 0 || dash == text.length() - 1) {
            throw invalid(text);
        }
        String digits = text.substring(dash + 1);
        if (digits.charAt(0) == '0' || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(text);
        }
        return new FunctionId(FunctionName.of(text.substring(0, dash)), Integer.parseInt(digits));
    }

    private static InvalidRequestException invalid(String text) {
        return new InvalidRequestException("name",
                "'" + abbreviate(text) + "' is not a function id: expected <name>-<version>, such as 'hello-1'");
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    @Override
    public String toString() {
        return name.value() + "-" + version;
    }
}
