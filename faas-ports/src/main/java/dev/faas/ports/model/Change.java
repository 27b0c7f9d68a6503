package dev.faas.ports.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the change log that nodes sharing a store follow to keep their caches true: a version registered or
 * deleted, an API key created or revoked. Entries are ordered by {@code seq}, which only increases.
 *
 * @param seq     the entry's position in the log, from 1 up
 * @param kind    what happened: {@link #FUNCTION_REGISTERED}, {@link #FUNCTION_DELETED}, {@link #API_KEY_CREATED} or
 *                {@link #API_KEY_REVOKED}; a
 *                follower ignores kinds it does not know, so newer nodes may add some
 * @param subject what it happened to: a function id such as {@code hello-3}, or an API key id
 * @param nodeId  the node that made the change
 * @param at      when the change was made, by the store's clock
 */
public record Change(long seq, String kind, String subject, String nodeId, Instant at) {

    /** A function version was stored (it is now its name's latest); the subject is its id. */
    public static final String FUNCTION_REGISTERED = "function-registered";
    /** A function version was deleted; the subject is its id. */
    public static final String FUNCTION_DELETED = "function-deleted";
    /** An API key was stored; the subject is its id. */
    public static final String API_KEY_CREATED = "api-key-created";
    /** An API key was revoked; the subject is its id. */
    public static final String API_KEY_REVOKED = "api-key-revoked";

    public Change {
        if (seq < 1) {
            throw new IllegalArgumentException("a change's sequence starts at 1, got " + seq);
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(at, "at");
    }
}
