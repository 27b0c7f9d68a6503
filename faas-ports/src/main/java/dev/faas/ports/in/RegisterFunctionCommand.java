package dev.faas.ports.in;

import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.model.AuthenticatedCaller;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.FunctionEnvironment;
import dev.faas.ports.model.RequestedLimits;
import dev.faas.ports.model.SecretName;
import dev.faas.ports.model.VersionOptions;
import java.util.HashSet;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A request to store a new version of a function: its name, Python source, the handler to call
 * ({@code user_function} unless given), any limits asked for and its options (runtime, environment, secret names,
 * network mode {@code none} or {@code egress}...; the defaults unless given). {@code caller} is who asks, when an API
 * key proves it; null when the operator does (the embedding program, or a server without keys), which checks that
 * depend on the caller ({@code FAAS_EGRESS=keys}) let through.
 */
public record RegisterFunctionCommand(FunctionName name, String code, String handler, RequestedLimits limits,
                                      VersionOptions options, AuthenticatedCaller caller) {

    /** The most secrets one version may name. */
    public static final int MAX_SECRETS = 64;

    public static final String DEFAULT_HANDLER = "user_function";
    /** The handler of an archive unless given: {@code user_function} in the archive's {@code main.py}. */
    public static final String DEFAULT_ARCHIVE_HANDLER = "main.user_function";
    private static final Pattern PYTHON_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern MODULE_FUNCTION = Pattern.compile(
            "[A-Za-z_][A-Za-z0-9_]{0,127}(\\.[A-Za-z_][A-Za-z0-9_]{0,127}){1,16}");

    /**
     * When {@code options.archive()}, {@code code} is the base64 of a zip archive (checked by the registry) and
     * {@code handler} names {@code module.function}.
     */
    public RegisterFunctionCommand {
        Objects.requireNonNull(name, "name");
        if (options == null) {
            options = VersionOptions.DEFAULT;
        }
        if (code == null || code.isBlank()) {
            throw options.archive() ? new InvalidRequestException("archive", "the function's archive is empty")
                    : new InvalidRequestException("code", "the function's code is required");
        }
        if (handler == null) {
            handler = options.archive() ? DEFAULT_ARCHIVE_HANDLER : DEFAULT_HANDLER;
        }
        if (options.archive() && !MODULE_FUNCTION.matcher(handler).matches()) {
            throw new InvalidRequestException("handler", "the handler of an archive must be module.function,"
                    + " such as 'main.user_function'");
        }
        if (!options.archive() && !PYTHON_IDENTIFIER.matcher(handler).matches()) {
            throw new InvalidRequestException("handler", "the handler must be a Python identifier, such as 'user_function'");
        }
        if (limits == null) {
            limits = RequestedLimits.DEFAULTS;
        }
        if (!VersionOptions.NETWORK_NONE.equals(options.network())
                && !VersionOptions.NETWORK_EGRESS.equals(options.network())) {
            throw new InvalidRequestException("network", "network must be '" + VersionOptions.NETWORK_NONE + "' or '"
                    + VersionOptions.NETWORK_EGRESS + "', not '" + options.network() + "'");
        }
        FunctionEnvironment.check(options.env());
        if (options.secrets().size() > MAX_SECRETS) {
            throw new InvalidRequestException("secrets", "a version may name at most " + MAX_SECRETS + " secrets");
        }
        for (String secret : options.secrets()) {
            if (!SecretName.isValid(secret)) {
                throw new InvalidRequestException("secrets", "'secrets' holds a name that is not a secret's name:"
                        + " a letter or digit, then letters, digits, '_', '.' or '-', at most 64 characters");
            }
        }
        if (new HashSet<>(options.secrets()).size() != options.secrets().size()) {
            throw new InvalidRequestException("secrets", "'secrets' names a secret more than once");
        }
    }

    /** A registration asked for by the operator (no API key). */
    public RegisterFunctionCommand(FunctionName name, String code, String handler, RequestedLimits limits,
                                   VersionOptions options) {
        this(name, code, handler, limits, options, null);
    }

    public RegisterFunctionCommand(FunctionName name, String code, String handler, RequestedLimits limits) {
        this(name, code, handler, limits, VersionOptions.DEFAULT);
    }

    /** This command with {@code value} as its options. */
    public RegisterFunctionCommand withOptions(VersionOptions value) {
        return new RegisterFunctionCommand(name, code, handler, limits, value, caller);
    }

    /** This command asked for by {@code value}, the caller its API key proves (null: the operator). */
    public RegisterFunctionCommand withCaller(AuthenticatedCaller value) {
        return new RegisterFunctionCommand(name, code, handler, limits, options, value);
    }

    public RegisterFunctionCommand(FunctionName name, String code) {
        this(name, code, null, null, null);
    }
}
