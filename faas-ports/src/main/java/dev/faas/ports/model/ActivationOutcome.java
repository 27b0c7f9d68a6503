package dev.faas.ports.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How a call ended: a final status with the result (succeeded) or the problem (its stable type, such as
 * {@code function-error}, and detail), the call's logs (capped), how the instance started and where the time went.
 */
public record ActivationOutcome(
        ActivationStatus status,
        String resultJson,
        String problemType,
        String problemDetail,
        String logs,
        StartKind startKind,
        Duration initTime,
        Duration duration,
        Instant endedAt) {

    /** The problem type of a call whose node was lost during its last allowed attempt. */
    public static final String NODE_LOST = "node-lost";
    /** The problem type of a call that waited in the queue too long and never ran. */
    public static final String EXPIRED = "activation-expired";

    public ActivationOutcome {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(endedAt, "endedAt");
        if (!status.isFinal()) {
            throw new IllegalArgumentException("an outcome has a final status, not " + status);
        }
        logs = logs == null ? "" : logs;
    }

    /** A call that never ran on any instance (its node was lost, or it waited too long), with why. */
    public static ActivationOutcome withoutRun(ActivationStatus status, String problemType, String detail,
                                               Instant endedAt) {
        return new ActivationOutcome(status, null, problemType, detail, "", null, null, null, endedAt);
    }

    /** What a {@link #NODE_LOST} problem says, in the same words in every store. */
    public static String nodeLostDetail(Activation activation) {
        return "the node running the call (" + activation.nodeId() + ") stopped renewing its lease during attempt "
                + activation.attempt() + " of at most " + activation.maxAttempts();
    }

    /** What an {@link #EXPIRED} problem says, in the same words in every store. */
    public static String expiredDetail(Activation activation) {
        return "the call waited in the queue since " + activation.queuedAt() + " and never ran";
    }
}
