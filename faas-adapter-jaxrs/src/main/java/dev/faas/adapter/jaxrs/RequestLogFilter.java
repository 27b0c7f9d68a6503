package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.ports.model.FunctionId;
import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every request an id (the caller's {@value #HEADER} when it is a sane token, else a new one), returns it on
 * every response and in every problem document as {@code requestId}, and logs one {@code key=value} line per
 * request at INFO. It runs before any other filter, authentication included, so refusals carry the id too. Bodies,
 * query strings and headers other than the id are never logged. The line is built without {@code String.format} and
 * handed to the logger; the server's logback configuration writes it from a queue (an {@code AsyncAppender} that
 * blocks rather than drops when full), so no request waits on the console. Thread-safe.
 */
@PreMatching
@Priority(RequestLogFilter.PRIORITY)
final class RequestLogFilter implements ContainerRequestFilter, ContainerResponseFilter {

    static final String HEADER = "X-Request-Id";
    /** Before authentication (1000) on the way in, and so after it on the way out. */
    static final int PRIORITY = 100;

    private static final Logger LOG = LoggerFactory.getLogger(RequestLogFilter.class);
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final String ID_PROPERTY = "faas.requestId";
    private static final String START_PROPERTY = "faas.requestStartNanos";
    private static final String FUNCTION_PROPERTY = "faas.function";

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(START_PROPERTY, System.nanoTime());
        request.setProperty(ID_PROPERTY, idFor(request.getHeaderString(HEADER)));
    }

    /** The id of a request whose {@value #HEADER} header is {@code offered} (null: none): it, if sane, else a new one. */
    static String idFor(String offered) {
        return offered != null && SANE_ID.matcher(offered).matches() ? offered : newId();
    }

    /** A random version-4 UUID; ids need to be unique, not unguessable, so no lock on a secure generator. */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
                (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    }

    /**
     * The id {@link #filter(ContainerRequestContext)} gave {@code request}, for an exception mapper's log line;
     * {@code unknown} outside a request.
     */
    static String requestId(ContainerRequestContext request) {
        Object id = request == null ? null : request.getProperty(ID_PROPERTY);
        return id == null ? "unknown" : id.toString();
    }

    /** Records which function version the request calls, for its log line. */
    static void function(ContainerRequestContext request, FunctionId id) {
        if (request != null) {
            request.setProperty(FUNCTION_PROPERTY, id.toString());
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(ID_PROPERTY);
        String requestId = id == null ? newId() : id.toString();
        response.getHeaders().putSingle(HEADER, requestId);
        String problemType = addToProblem(response, requestId);
        if (LOG.isInfoEnabled()) {
            LOG.info(line(request, response, requestId, problemType));
        }
    }

    /** Puts the request id into a problem document; returns the problem's type slug, or null if it is none. */
    private static String addToProblem(ContainerResponseContext response, String requestId) {
        if (!Problem.MEDIA_TYPE.isCompatible(response.getMediaType())
                || !(response.getEntity() instanceof String body)) {
            return null;
        }
        try {
            JsonNode problem = Json.MAPPER.readTree(body);
            if (problem instanceof ObjectNode object) {
                object.put("requestId", requestId);
                response.setEntity(Json.write(object));
                String type = object.path("type").asText("");
                return type.substring(type.lastIndexOf(':') + 1);
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("a problem document that is not JSON: {}", e.toString());
        }
        return null;
    }

    private static String line(ContainerRequestContext request, ContainerResponseContext response, String requestId,
                               String problemType) {
        String function = response.getHeaderString(InvocationResponses.FUNCTION_HEADER);
        if (function == null && request.getProperty(FUNCTION_PROPERTY) != null) {
            function = request.getProperty(FUNCTION_PROPERTY).toString();
        }
        return line(request.getMethod(), request.getUriInfo().getRequestUri().getRawPath(), response.getStatus(),
                request.getProperty(START_PROPERTY) instanceof Long startNanos ? startNanos : null, requestId, function,
                response.getHeaderString(InvocationResponses.START_HEADER), problemType);
    }

    /**
     * Logs the line of a request answered outside Jersey ({@link InvokeFastPath}), exactly as this filter would have;
     * {@code function}, {@code start} and {@code problemType} may be null.
     */
    static void log(String method, String rawPath, int status, long startNanos, String requestId, String function,
                    String start, String problemType) {
        if (LOG.isInfoEnabled()) {
            LOG.info(line(method, rawPath, status, startNanos, requestId, function, start, problemType));
        }
    }

    private static String line(String method, String rawPath, int status, Long startNanos, String requestId,
                               String function, String start, String problemType) {
        StringBuilder line = new StringBuilder(160)
                .append("method=").append(method)
                .append(" path=").append(rawPath)
                .append(" status=").append(status);
        if (startNanos != null) {
            long tenths = (System.nanoTime() - startNanos + 50_000) / 100_000;
            line.append(" ms=").append(tenths / 10).append('.').append(tenths % 10);
        }
        line.append(" request_id=").append(requestId);
        if (function != null) {
            line.append(" function=").append(function);
        }
        if (start != null) {
            line.append(" start=").append(start);
        }
        if (problemType != null) {
            line.append(" problem=").append(problemType);
        }
        return line.toString();
    }
}
