package dev.faas.domain.registry;

import dev.faas.ports.error.EgressNotAllowedException;
import dev.faas.ports.model.VersionOptions;

/**
 * The operator's consent to network egress ({@code FAAS_EGRESS}): without it, a version that asks for
 * {@code "network": "egress"} is refused at registration, so no function gets a network the operator did not allow.
 */
public record EgressPolicy(boolean allowed) {

    /** No egress: the secure default. */
    public static final EgressPolicy DENIED = new EgressPolicy(false);

    /** @throws EgressNotAllowedException when {@code options} ask for egress and the operator has not allowed it */
    public void check(VersionOptions options) {
        if (options.egress() && !allowed) {
            throw new EgressNotAllowedException("this node does not allow network egress: functions run without"
                    + " network unless the operator starts the platform with FAAS_EGRESS=on (FaasPlatform:"
                    + " builder().egress(true)); register with \"network\": \"none\" or ask the operator");
        }
    }
}
