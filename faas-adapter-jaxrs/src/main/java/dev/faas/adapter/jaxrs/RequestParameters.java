package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses path and query parameters strictly, so a bad one is a 400 problem naming it rather than Jersey's bare
 * 404 for a value it could not convert.
 */
final class RequestParameters {

    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1000;

    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");
    private static final Pattern PAGE_SIZE = Pattern.compile("[0-9]{1,9}");

    private RequestParameters() {
    }

    static FunctionName name(String text) {
        return FunctionName.of(text);
    }

    static FunctionId id(String name, String version) {
        return new FunctionId(name(name), version(version));
    }

    static int version(String text) {
        if (text == null || !VERSION.matcher(text).matches()) {
            throw new InvalidRequestException("version",
                    "a version is a whole number from 1 up, such as 1, not '" + abbreviate(text) + "'");
        }
        return Integer.parseInt(text);
    }

    /** The {@code after} query parameter of a listing: absent or empty is null (from the first name). */
    static FunctionName after(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return FunctionName.of(text);
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException("after", "'after' must be a function name: " + e.getMessage());
        }
    }

    static int pageSize(String text) {
        if (text == null || text.isEmpty()) {
            return DEFAULT_PAGE_SIZE;
        }
        if (PAGE_SIZE.matcher(text).matches()) {
            int size = Integer.parseInt(text);
            if (size >= 1 && size <= MAX_PAGE_SIZE) {
                return size;
            }
        }
        throw new InvalidRequestException("limit",
                "'limit' must be a whole number from 1 to " + MAX_PAGE_SIZE + ", not '" + abbreviate(text) + "'");
    }

    /** A boolean query parameter: absent or empty is false, else exactly {@code true} or {@code false}. */
    static boolean flag(String field, String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidRequestException(field,
                    "'" + field + "' must be true or false, not '" + abbreviate(text) + "'");
        };
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
