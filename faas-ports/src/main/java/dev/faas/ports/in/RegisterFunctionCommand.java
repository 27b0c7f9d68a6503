package dev.faas.ports.in;

import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.RequestedLimits;
import dev.faas.ports.model.VersionOptions;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A request to store a new version of a function: its name, Python source, the handler to call
 * ({@code user_function} unless given), any limits asked for and its options (runtime...; the defaults unless given).
 */
public record RegisterFunctionCommand(FunctionName name, String code, String handler, RequestedLimits limits,
                                      VersionOptions options) {

    public static final String DEFAULT_HANDLER = "user_function";
    private static final Pattern PYTHON_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    public RegisterFunctionCommand {
        Objects.requireNonNull(name, "name");
        if (code == null || code.isBlank()) {
            throw new InvalidRequestException("code", "the function's code is required");
        }
        if (handler == null) {
            handler = DEFAULT_HANDLER;
        }
        if (!PYTHON_IDENTIFIER.matcher(handler).matches()) {
            throw new InvalidRequestException("handler", "the handler must be a Python identifier, such as 'user_function'");
        }
        if (limits == null) {
            limits = RequestedLimits.DEFAULTS;
        }
        if (options == null) {
            options = VersionOptions.DEFAULT;
        }
    }

    public RegisterFunctionCommand(FunctionName name, String code, String handler, RequestedLimits limits) {
        this(name, code, handler, limits, null);
    }

    public RegisterFunctionCommand(FunctionName name, String code) {
        this(name, code, null, null);
    }
}
