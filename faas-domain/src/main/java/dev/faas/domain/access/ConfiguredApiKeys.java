package dev.faas.domain.access;

import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyPermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the API keys of the configuration: {@code FAAS_API_KEYS}, comma-separated {@code key:role} pairs, and the
 * lines of {@code FAAS_API_KEYS_FILE}, one {@code key:role} per line, blank lines and {@code #} comments ignored. A
 * role may be followed by permissions, each after a {@code +}: {@code key:admin+egress}.
 * Errors name the entry or line, never the key, which may be a real secret with a typo.
 */
public final class ConfiguredApiKeys {

    public static final String LIST_VARIABLE = "FAAS_API_KEYS";
    public static final String FILE_VARIABLE = "FAAS_API_KEYS_FILE";

    /** Shorter keys are refused: they could be guessed. */
    public static final int MIN_KEY_LENGTH = 16;
    /** Longer keys are refused, and never even hashed when presented. */
    public static final int MAX_KEY_LENGTH = 256;
    /** RFC 6750's {@code b64token}: what may follow {@code Bearer } in an {@code Authorization} header. */
    private static final Pattern KEY_CHARACTERS = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

    private ConfiguredApiKeys() {
    }

    /**
     * The keys of both settings, either of which may be null (not set). A key given twice with the same role counts
     * once.
     *
     * @throws InvalidApiKeyConfigException naming the first malformed entry, or a key given twice with two roles
     */
    public static List<ConfiguredApiKey> parse(String listValue, List<String> fileLines) {
        List<ConfiguredApiKey> keys = new ArrayList<>();
        if (listValue != null) {
            String[] entries = listValue.split(",", -1);
            for (int i = 0; i < entries.length; i++) {
                if (!entries[i].isBlank()) {
                    keys.add(entry(entries[i], LIST_VARIABLE + " entry " + (i + 1)));
                }
            }
        }
        if (fileLines != null) {
            for (int i = 0; i < fileLines.size(); i++) {
                String line = withoutComment(fileLines.get(i));
                if (!line.isBlank()) {
                    keys.add(entry(line, FILE_VARIABLE + " line " + (i + 1)));
                }
            }
        }
        return withoutRepeats(keys);
    }

    private static String withoutComment(String line) {
        // '#' cannot occur in a key or a role, so everything after it is a comment.
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    private static ConfiguredApiKey entry(String text, String source) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new InvalidApiKeyConfigException(source + " is not of the form <key>:<role>");
        }
        String key = text.substring(0, colon).strip();
        String roleText = text.substring(colon + 1);
        if (key.isEmpty()) {
            throw new InvalidApiKeyConfigException(source + " has no key before ':'");
        }
        // After the role, '+permission' grants what no role implies: 'admin+egress'.
        String[] roleAndPermissions = roleText.split("\\+", -1);
        AccessRole role;
        try {
            role = AccessRole.parse(roleAndPermissions[0]);
        } catch (InvalidRequestException e) {
            throw new InvalidApiKeyConfigException(source + ": the role after the last ':' must be 'admin' or 'invoke'");
        }
        Set<ApiKeyPermission> permissions = EnumSet.noneOf(ApiKeyPermission.class);
        for (int i = 1; i < roleAndPermissions.length; i++) {
            try {
                permissions.add(ApiKeyPermission.parse("permissions", roleAndPermissions[i].strip()));
            } catch (InvalidRequestException e) {
                throw new InvalidApiKeyConfigException(source + ": what follows '+' after the role must be a"
                        + " permission, and the only one is 'egress' (as in <key>:admin+egress)");
            }
        }
        if (key.length() < MIN_KEY_LENGTH) {
            throw new InvalidApiKeyConfigException(source + ": the key is shorter than " + MIN_KEY_LENGTH
                    + " characters; generate one with e.g. 'openssl rand -base64 32'");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new InvalidApiKeyConfigException(source + ": the key is longer than " + MAX_KEY_LENGTH + " characters");
        }
        if (!KEY_CHARACTERS.matcher(key).matches()) {
            throw new InvalidApiKeyConfigException(source
                    + ": the key may contain only letters, digits and - . _ ~ + / (and '=' at its end)");
        }
        return new ConfiguredApiKey(key, role, source, permissions);
    }

    private static List<ConfiguredApiKey> withoutRepeats(List<ConfiguredApiKey> keys) {
        Map<String, ConfiguredApiKey> firstByKey = new HashMap<>();
        List<ConfiguredApiKey> distinct = new ArrayList<>();
        for (ConfiguredApiKey key : keys) {
            ConfiguredApiKey first = firstByKey.putIfAbsent(key.key(), key);
            if (first == null) {
                distinct.add(key);
            } else if (first.role() != key.role() || !first.permissions().equals(key.permissions())) {
                throw new InvalidApiKeyConfigException(key.source() + " repeats the key of " + first.source()
                        + " with another role or other permissions");
            }
        }
        return List.copyOf(distinct);
    }

    /**
     * Whether {@code token} could be a key at all: of {@value #MIN_KEY_LENGTH} to {@value #MAX_KEY_LENGTH} characters
     * of the alphabet every configured key is held to (RFC 6750's {@code b64token}), of which generated keys
     * ({@code faas_} and 43 base64url characters) are a part. Operators choose configured keys freely within that
     * shape, with no prefix, so it is the narrowest that lets every key through. Other tokens are never hashed.
     */
    static boolean plausible(String token) {
        return token != null && token.length() >= MIN_KEY_LENGTH && token.length() <= MAX_KEY_LENGTH
                && KEY_CHARACTERS.matcher(token).matches();
    }
}
