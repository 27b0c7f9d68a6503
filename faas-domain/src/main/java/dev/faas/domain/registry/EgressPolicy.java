package dev.faas.domain.registry;

import dev.faas.ports.error.EgressNotAllowedException;
import dev.faas.ports.model.ApiKeyPermission;
import dev.faas.ports.model.AuthenticatedCaller;
import dev.faas.ports.model.VersionOptions;
import java.util.Objects;

/**
 * The operator's consent to network egress ({@code FAAS_EGRESS}): without it, a version that asks for
 * {@code "network": "egress"} is refused at registration, so no function gets a network the operator did not allow.
 * The consent is given to everybody ({@link Mode#ON}), to nobody ({@link Mode#OFF}), or to the operator and the API
 * keys granted {@link ApiKeyPermission#EGRESS} ({@link Mode#KEYS}). It is checked at registration only: a version
 * stored with egress keeps it when the key that registered it is revoked later.
 */
public record EgressPolicy(Mode mode) {

    /** Who may register a version with egress. */
    public enum Mode {
        /** Nobody: the secure default. */
        OFF,
        /** Everybody who may register. */
        ON,
        /** The operator (a registration without an API key) and callers whose key holds the egress permission. */
        KEYS
    }

    /** No egress: the secure default. */
    public static final EgressPolicy DENIED = new EgressPolicy(Mode.OFF);

    public EgressPolicy {
        Objects.requireNonNull(mode, "mode");
    }

    /** Egress for everybody ({@code true}) or nobody. */
    public EgressPolicy(boolean allowed) {
        this(allowed ? Mode.ON : Mode.OFF);
    }

    /** Whether some version may get egress on this node, so its runtime must offer an egress network. */
    public boolean allowed() {
        return mode != Mode.OFF;
    }

    /** As {@link #check(VersionOptions, AuthenticatedCaller)} for the operator. */
    public void check(VersionOptions options) {
        check(options, null);
    }

    /**
     * @param caller who asks, as an API key proves it; null for the operator
     * @throws EgressNotAllowedException when {@code options} ask for egress and {@code caller} may not have it
     */
    public void check(VersionOptions options, AuthenticatedCaller caller) {
        if (!options.egress()) {
            return;
        }
        switch (mode) {
            case ON -> {
            }
            case OFF -> throw new EgressNotAllowedException("this node does not allow network egress: functions run"
                    + " without network unless the operator starts the platform with FAAS_EGRESS=on (FaasPlatform:"
                    + " builder().egress(true)); register with \"network\": \"none\" or ask the operator");
            case KEYS -> {
                if (caller != null && !caller.holds(ApiKeyPermission.EGRESS)) {
                    throw new EgressNotAllowedException("this node allows network egress only to API keys with the"
                            + " permission 'egress', and the key " + caller.keyId() + " has not got it: register with"
                            + " a key created with \"permissions\": [\"egress\"] (faas keys create --egress, by a key"
                            + " that holds it), register with \"network\": \"none\", or ask the operator to start"
                            + " the platform with FAAS_EGRESS=on");
                }
            }
        }
    }
}
