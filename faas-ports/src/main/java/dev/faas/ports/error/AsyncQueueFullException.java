package dev.faas.ports.error;

import java.time.Duration;

/**
 * A function already has as many asynchronous calls waiting in the queue as the operator allows
 * ({@code FAAS_ASYNC_QUEUE_MAX}, counted across every node sharing the store): the call is refused, not queued; the
 * caller should retry after {@link #retryAfter()}.
 */
public class AsyncQueueFullException extends CapacityExceededException {

    private final String functionName;
    private final long limit;

    public AsyncQueueFullException(String functionName, long limit, Duration retryAfter) {
        super("function " + functionName + " already has " + limit + " asynchronous calls waiting, the most this"
                + " server queues for one function; retry later", retryAfter);
        this.functionName = functionName;
        this.limit = limit;
    }

    public String functionName() {
        return functionName;
    }

    public long limit() {
        return limit;
    }
}
