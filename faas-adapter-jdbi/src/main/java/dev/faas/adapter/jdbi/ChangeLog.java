package dev.faas.adapter.jdbi;

import java.util.Objects;
import org.jdbi.v3.core.Handle;

/** Writes change log rows (table {@code changes}) inside the caller's transaction, and on PostgreSQL notifies them. */
final class ChangeLog {

    /** The PostgreSQL channel every change is announced on, with its sequence as the payload. */
    static final String CHANNEL = "faas_changes";

    private final String nodeId;
    private final boolean notify;

    ChangeLog(String nodeId, boolean notify) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.notify = notify;
    }

    String nodeId() {
        return nodeId;
    }

    /** Adds a change of {@code kind} to {@code subject}; {@code handle} must be in the transaction of the change. */
    void record(Handle handle, String kind, String subject) {
        // Taken until commit: see V3__changes.sql for why writers take turns.
        handle.createQuery("SELECT id FROM changes_lock WHERE id = 1 FOR UPDATE")
                .mapTo(Integer.class)
                .one();
        long seq = handle.createUpdate("INSERT INTO changes (kind, subject, node_id, created_at)"
                        + " VALUES (:kind, :subject, :node_id, CURRENT_TIMESTAMP)")
                .bind("kind", kind)
                .bind("subject", subject)
                .bind("node_id", nodeId)
                .executeAndReturnGeneratedKeys("seq")
                .mapTo(Long.class)
                .one();
        if (notify) {
            // Sent at commit, and never if the transaction rolls back. NOTIFY takes no bind parameter; seq is a number.
            handle.execute("NOTIFY " + CHANNEL + ", '" + seq + "'");
        }
    }
}
