package dev.faas.ports.model;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of the readiness checks, one per dependency, in a stable order; ready when every check is up.
 * {@code node} names the node that checked, or is null when it has no name.
 */
public record Readiness(String node, List<Check> checks) {

    public static final String STORE = "store";
    public static final String RUNTIME = "runtime";

    public Readiness {
        checks = List.copyOf(checks);
    }

    /** The checks of a node without a name. */
    public Readiness(List<Check> checks) {
        this(null, checks);
    }

    public boolean ready() {
        return checks.stream().allMatch(Check::up);
    }

    /**
     * One dependency's state; {@code reason} says why it is down (null when up) in words safe to show any caller:
     * no address, credential or driver detail.
     */
    public record Check(String name, boolean up, String reason) {

        public Check {
            Objects.requireNonNull(name, "name");
        }

        public static Check up(String name) {
            return new Check(name, true, null);
        }

        public static Check down(String name, String reason) {
            return new Check(name, false, reason);
        }
    }
}
