package dev.faas.adapter.jaxrs;

import dev.faas.ports.model.InvocationResult;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Turns an invocation result into the seed's {@code {"result": ...}} body plus headers telling how the call was
 * served, and, when asked for, the call's logs. The result JSON from the runner is spliced in as-is, never parsed
 * again.
 */
final class InvocationResponses {

    static final String START_HEADER = "X-Faas-Start";
    static final String FUNCTION_HEADER = "X-Faas-Function";
    static final String DURATION_HEADER = "X-Faas-Duration-Ms";
    static final String INIT_HEADER = "X-Faas-Init-Ms";
    static final String WAIT_HEADER = "X-Faas-Wait-Ms";

    private InvocationResponses() {
    }

    static Response ok(InvocationResult result) {
        return ok(result, false);
    }

    /** With {@code withLogs}, the body also carries {@code "logs"} and {@code "logsTruncated"}. */
    static Response ok(InvocationResult result, boolean withLogs) {
        String body = withLogs
                ? "{\"result\":" + result.resultJson() + ",\"logs\":" + Json.quote(result.logs())
                        + ",\"logsTruncated\":" + result.logsTruncated() + "}"
                : "{\"result\":" + result.resultJson() + "}";
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE)
                .header(FUNCTION_HEADER, result.functionId().toString())
                .header(START_HEADER, result.startKind().label())
                .header(DURATION_HEADER, millis(result.totalTime()))
                .header(INIT_HEADER, millis(result.initTime()))
                .header(WAIT_HEADER, millis(result.waitTime()))
                .build();
    }

    /** Milliseconds with three decimals, rounded half up, as {@code %.3f} wrote them, without a Formatter. */
    static String millis(java.time.Duration duration) {
        long micros = (duration.toNanos() + 500) / 1000;
        long fraction = micros % 1000;
        return new StringBuilder(12).append(micros / 1000).append('.')
                .append(fraction < 100 ? (fraction < 10 ? "00" : "0") : "").append(fraction).toString();
    }
}
