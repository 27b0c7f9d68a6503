package dev.faas.app;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a server without API keys may listen: on the loopback interface only, unless the operator opts in with
 * {@code FAAS_ALLOW_UNAUTHENTICATED=true}. Either way a server without keys says so in its log. A pure function of
 * the settings and the key store's state.
 */
final class BindPolicy {

    static final String ALLOW_VARIABLE = "FAAS_ALLOW_UNAUTHENTICATED";

    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private BindPolicy() {
    }

    /**
     * The warning to log, if any, for listening on {@code bind}.
     *
     * @param keysConfigured whether any API key is stored, so every request needs one
     * @throws ConfigException when {@code bind} reaches beyond this machine, no key is configured and the operator
     *                         did not opt in
     */
    static Optional<String> check(String bind, boolean keysConfigured, boolean allowUnauthenticated) {
        if (keysConfigured) {
            return Optional.empty();
        }
        if (isLoopback(bind)) {
            return Optional.of("no API key is configured: every request is allowed, so the API listens on " + bind
                    + " (loopback) only; set FAAS_API_KEYS or FAAS_API_KEYS_FILE to require keys");
        }
        if (!allowUnauthenticated) {
            throw new ConfigException("FAAS_BIND='" + bind + "' would expose the API beyond this machine, but no API key"
                    + " is configured: set FAAS_API_KEYS or FAAS_API_KEYS_FILE, or " + ALLOW_VARIABLE
                    + "=true to allow every request from the network");
        }
        return Optional.of("no API key is configured and " + ALLOW_VARIABLE + "=true: the API on " + bind
                + " allows every request from the network, registering and deleting functions included");
    }

    /**
     * Whether {@code bind} is a loopback address: {@code localhost}, 127.0.0.0/8 or {@code ::1}. A host name is
     * never looked up; anything not provably loopback counts as reaching the network.
     */
    static boolean isLoopback(String bind) {
        if (bind == null) {
            return false;
        }
        String address = bind.strip().toLowerCase(Locale.ROOT);
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        if (address.equals("localhost")) {
            return true;
        }
        if (IPV4_LITERAL.matcher(address).matches()) {
            String[] octets = address.split("\\.");
            for (String octet : octets) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return Integer.parseInt(octets[0]) == 127;
        }
        if (!address.contains(":")) {
            return false;
        }
        try {
            // Text with a colon is parsed as an IPv6 literal, never resolved.
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }
}
