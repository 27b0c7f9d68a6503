package dev.faas.ports.error;

/**
 * The function's instance answered with a reply its runner never sends: a result that is not exactly one strict
 * JSON value, or a reply over its size limit. User code shares the runner's process and can write on its socket, so
 * this is the function's fault (a 422), and the instance must be discarded, never reused: its runner's own reply may
 * still be on the way, or unread bytes of the oversized one, so the next call could read the wrong answer.
 */
public class ForgedReplyException extends InvalidResultException {

    public ForgedReplyException(String errorType, String errorMessage) {
        super("the function's instance sent a reply its runner never sends: " + errorMessage, errorType,
                errorMessage, "");
    }
}
