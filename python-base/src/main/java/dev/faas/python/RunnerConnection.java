package dev.faas.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.ports.error.FunctionInitException;
import dev.faas.ports.error.FunctionRaisedException;
import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.InvalidResultException;
import dev.faas.ports.out.RunOutput;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The platform's end of one connection to a Python runner ({@code faas_runner.py}, whose docstring documents the
 * protocol); {@link RunnerListener} makes one as the runner connects. Not thread-safe: one call at a time, except that {@link #close()} may come from another thread to abort
 * a call that is blocked.
 *
 * <p>Failures: the user's code failing throws the matching {@link dev.faas.ports.error.FunctionCodeException}, after
 * which the connection stays usable. The connection failing throws {@link RunnerConnectionLostException}, and a
 * runner answering nonsense throws {@link InstanceCrashedException}; after either the connection is useless and its
 * runner should be stopped.
 */
public final class RunnerConnection implements Closeable {

    /** The largest reply accepted unless told otherwise; the runner's default limit for requests is the same. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PING = "ping";
    private static final String RUN = "run";
    private static final byte[] NO_BODY = new byte[0];
    private static final int STREAM_BUFFER_BYTES = 64 * 1024;

    private final InputStream input;
    private final OutputStream output;
    private final Closeable resource;
    private final int maxMessageBytes;
    /** The number of the latest call; starts at random so user code cannot count on guessing it from zero. */
    private long lastCall;

    /** Talks over {@code input} and {@code output}, closing {@code resource} on {@link #close()}. */
    public RunnerConnection(InputStream input, OutputStream output, Closeable resource) {
        this(input, output, resource, DEFAULT_MAX_MESSAGE_BYTES);
    }

    /** Talks over {@code input} and {@code output}, accepting replies of at most {@code maxMessageBytes}. */
    public RunnerConnection(InputStream input, OutputStream output, Closeable resource, int maxMessageBytes) {
        this(input, output, resource, maxMessageBytes, ThreadLocalRandom.current().nextLong(1L << 48));
    }

    /** As above, numbering calls from {@code lastCall + 1}: for tests with canned replies. */
    RunnerConnection(InputStream input, OutputStream output, Closeable resource, int maxMessageBytes, long lastCall) {
        this.input = new BufferedInputStream(Objects.requireNonNull(input, "input"), STREAM_BUFFER_BYTES);
        this.output = new BufferedOutputStream(Objects.requireNonNull(output, "output"), STREAM_BUFFER_BYTES);
        this.resource = Objects.requireNonNull(resource, "resource");
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive, not " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
        this.lastCall = lastCall;
    }

    /** A request header for {@code op}, numbered with the next call number, which the reply must echo. */
    private byte[] header(String op) {
        return ("{\"op\":\"" + op + "\",\"call\":" + (++lastCall) + "}").getBytes(StandardCharsets.US_ASCII);
    }

    /** Checks the runner answers and returns its process id (inside its sandbox). */
    public long ping() {
        JsonNode header = exchange(header(PING), NO_BODY).header();
        JsonNode pid = header.get("pid");
        if (!header.path("ok").asBoolean(false) || pid == null || !pid.canConvertToLong()) {
            throw protocolBroken("unexpected reply to ping: " + header);
        }
        return pid.asLong();
    }

    /**
     * Loads {@code code} into the runner and checks it defines a callable {@code handler}; once per runner.
     *
     * @throws FunctionInitException if the code does not compile, raises while loading or lacks the handler
     */
    public void init(String code, String handler) {
        byte[] header;
        try {
            header = JSON.writeValueAsBytes(JSON.createObjectNode().put("op", "init").put("handler", handler)
                    .put("call", ++lastCall));
        } catch (IOException e) {
            throw new IllegalStateException("could not write an init header", e);
        }
        Reply reply = exchange(header, code.getBytes(StandardCharsets.UTF_8));
        if (!reply.ok()) {
            throw failure(reply.header());
        }
    }

    /**
     * Calls the handler with {@code paramsJson}, a JSON object sent as is, as its keyword arguments.
     *
     * @return the result's JSON text exactly as the runner produced it, and the call's output
     * @throws FunctionRaisedException if the handler raised
     * @throws InvalidResultException if the handler's result is not JSON or is too large
     * @throws InvalidRequestException if {@code paramsJson} is not a JSON object the runner can read
     */
    public RunOutput run(String paramsJson) {
        Reply reply = exchange(header(RUN), paramsJson.getBytes(StandardCharsets.UTF_8));
        if (!reply.ok()) {
            throw failure(reply.header());
        }
        if (reply.body().length == 0) {
            throw protocolBroken("a successful run replied without a result");
        }
        return new RunOutput(new String(reply.body(), StandardCharsets.UTF_8), text(reply.header(), "logs"),
                reply.header().path("logs_truncated").asBoolean(false));
    }

    /** Closes the connection; the runner exits once it notices. Never throws. */
    @Override
    public void close() {
        try {
            resource.close();
        } catch (IOException ignored) {
            // Nothing to do about it: the runner exits on its own when the platform is gone.
        }
    }

    private Reply exchange(byte[] header, byte[] body) {
        RunnerFrames.Message message;
        try {
            RunnerFrames.write(output, header, body);
            message = RunnerFrames.read(input, maxMessageBytes);
        } catch (FrameTooLargeException e) {
            throw protocolBroken(e.getMessage());
        } catch (IOException e) {
            throw new RunnerConnectionLostException(e);
        }
        JsonNode replyHeader;
        try {
            replyHeader = JSON.readTree(message.header());
        } catch (IOException e) {
            throw protocolBroken("the reply's header is not JSON: " + e.getMessage());
        }
        if (replyHeader == null || !replyHeader.isObject()) {
            throw protocolBroken("the reply's header is not a JSON object");
        }
        JsonNode call = replyHeader.get("call");
        if (call == null || !call.canConvertToLong() || call.asLong() != lastCall) {
            // Something else wrote on the socket (the function itself?): replies no longer match their calls.
            throw protocolBroken("a reply does not belong to the call it answers");
        }
        return new Reply(replyHeader, message.body());
    }

    private static RuntimeException failure(JsonNode header) {
        JsonNode error = header.path("error");
        String type = text(error, "type");
        String message = text(error, "message");
        String traceback = text(error, "traceback");
        String logs = text(header, "logs");
        return switch (text(error, "kind")) {
            case "init" -> new FunctionInitException(type, message, traceback, error.path("line").asInt(0), logs);
            case "raised" -> new FunctionRaisedException(type, message, traceback, logs);
            case "result" -> new InvalidResultException(type, message, logs);
            case "params" -> new InvalidRequestException("params", message);
            case "protocol" -> new InstanceCrashedException(
                    "the runner rejected a request: " + type + ": " + message, false, logs);
            default -> protocolBroken("unexpected failure reply: " + header);
        };
    }

    private static InstanceCrashedException protocolBroken(String detail) {
        return new InstanceCrashedException("the runner broke the protocol: " + detail, false, "");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText();
    }

    private record Reply(JsonNode header, byte[] body) {

        boolean ok() {
            return header.path("ok").asBoolean(false);
        }
    }
}
