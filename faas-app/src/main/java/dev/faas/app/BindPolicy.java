package dev.faas.app;

import dev.faas.adapter.jaxrs.LoopbackAddresses;
import java.util.Optional;

/**
 * Where a server without API keys may listen: on the loopback interface only, unless the operator opts in with
 * {@code FAAS_ALLOW_UNAUTHENTICATED=true}. Either way a server without keys says so in its log. A pure function of
 * the settings and the key store's state.
 */
final class BindPolicy {

    static final String ALLOW_VARIABLE = "FAAS_ALLOW_UNAUTHENTICATED";

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
                + " allows every request from the network, registering and deleting functions included, as long as"
                + " it is addressed to localhost or a loopback address (Host), as through a port published on a"
                + " host's loopback");
    }

    /**
     * Whether {@code bind} is a loopback address: {@code localhost}, 127.0.0.0/8 or {@code ::1}. A host name is
     * never looked up; anything not provably loopback counts as reaching the network.
     */
    static boolean isLoopback(String bind) {
        return LoopbackAddresses.isLoopback(bind);
    }
}
