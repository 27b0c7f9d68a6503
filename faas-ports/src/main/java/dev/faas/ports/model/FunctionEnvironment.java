package dev.faas.ports.model;

import dev.faas.ports.error.InvalidEnvironmentException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules of a version's environment ({@code "env"}), which the function sees as {@code os.environ}: names of
 * capital letters, digits and {@code _} not starting with a digit, none with the platform's {@code FAAS_} prefix,
 * values without NUL (which no environment can hold), and at most {@value #MAX_BYTES} bytes in all (each entry
 * counted as {@code NAME=value} in UTF-8 with its terminating NUL, as the kernel counts it).
 */
public final class FunctionEnvironment {

    /** The most bytes a version's environment may take. */
    public static final int MAX_BYTES = 4096;
    /** The prefix reserved for the platform's own settings. */
    public static final String RESERVED_PREFIX = "FAAS_";
    private static final Pattern NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");

    private FunctionEnvironment() {
    }

    /**
     * Checks {@code env} against the rules; messages name the offending variable, never its value.
     *
     * @throws InvalidEnvironmentException if a name or value breaks a rule, or the whole is too large
     */
    public static void check(Map<String, String> env) {
        long bytes = 0;
        for (Map.Entry<String, String> entry : env.entrySet()) {
            String name = entry.getKey();
            String value = entry.getValue();
            if (name == null || !NAME.matcher(name).matches() || name.length() > 256) {
                throw new InvalidEnvironmentException(false, "the environment variable name '"
                        + (name == null ? "null" : abbreviate(name))
                        + "' is not valid: use capital letters, digits and '_', not starting with a digit");
            }
            if (name.startsWith(RESERVED_PREFIX)) {
                throw new InvalidEnvironmentException(false, "the environment variable '" + name
                        + "' uses the prefix " + RESERVED_PREFIX + ", which is reserved for the platform");
            }
            if (value == null) {
                throw new InvalidEnvironmentException(false, "the environment variable '" + name
                        + "' has no value: values are strings");
            }
            if (value.indexOf('\0') >= 0) {
                throw new InvalidEnvironmentException(false, "the value of the environment variable '" + name
                        + "' holds a NUL character, which an environment cannot hold");
            }
            bytes += name.getBytes(StandardCharsets.UTF_8).length + 2L + value.getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_BYTES) {
            throw new InvalidEnvironmentException(true, "the environment takes " + bytes
                    + " bytes, more than the limit of " + MAX_BYTES + " bytes");
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
