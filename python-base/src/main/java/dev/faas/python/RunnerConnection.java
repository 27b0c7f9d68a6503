package dev.faas.python;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.ports.error.ForgedReplyException;
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
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
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
 *
 * <p>Replies are not trusted: the user's code runs in the runner's process and can write on its socket. A reply's
 * header and body are bounded before anything is allocated, a result must be exactly one strict JSON value, and the
 * texts a reply carries (logs, error message, traceback) are cut to {@value #MAX_TEXT_CHARS} characters. A reply the
 * runner never sends throws {@link ForgedReplyException} (the function's fault) and closes the connection: the runner
 * should be stopped, since its own reply may still follow, or the rest of an oversized one is unread.
 */
public final class RunnerConnection implements Closeable {

    /** The largest result accepted unless told otherwise: the runner's own default ({@code --max-result-bytes}). */
    public static final int DEFAULT_MAX_RESULT_BYTES = 6 * 1024 * 1024;

    /**
     * The largest reply header accepted. The runner's largest header carries the logs and, on failure, an error
     * message and a traceback, each at most 64 KiB of UTF-8 (the runner cuts them), which its ASCII-only JSON escapes
     * at most sixfold (a control character's six-byte escape): 1.125 MiB, plus a few short fields. 2 MiB leaves room.
     */
    public static final int MAX_HEADER_BYTES = 2 * 1024 * 1024;

    /** Characters kept of a reply's logs, error message or traceback, as many as the runner keeps (64 KiB). */
    public static final int MAX_TEXT_CHARS = 64 * 1024;

    // The runner appends its own truncation notice after 64 KiB of logs; that much more is still its own reply.
    private static final int RUNNER_NOTICE_CHARS = 256;
    // Python's json.dumps nests at most as deep as its recursion limit (1000 unless raised); each level costs the
    // parser a small context object, so this bounds the check's memory whatever a forged reply holds.
    private static final int MAX_RESULT_NESTING = 100_000;
    private static final JsonFactory RESULTS = JsonFactory.builder()
            // Field names are only skipped; interning them would let a forged result fill the symbol table.
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            // The result's size is bounded by the body limit already; any JSON the runner can write must pass.
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_RESULT_NESTING)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PING = "ping";
    private static final String RUN = "run";
    private static final byte[] NO_BODY = new byte[0];
    private static final int STREAM_BUFFER_BYTES = 64 * 1024;

    private final InputStream input;
    private final OutputStream output;
    private final Closeable resource;
    private final int maxResultBytes;
    /** The number of the latest call; starts at random so user code cannot count on guessing it from zero. */
    private long lastCall;

    /** Talks over {@code input} and {@code output}, closing {@code resource} on {@link #close()}. */
    public RunnerConnection(InputStream input, OutputStream output, Closeable resource) {
        this(input, output, resource, DEFAULT_MAX_RESULT_BYTES);
    }

    /**
     * Talks over {@code input} and {@code output}, accepting results of at most {@code maxResultBytes}: the
     * runner's {@code --max-result-bytes}, so that only a forged reply is ever over it.
     */
    public RunnerConnection(InputStream input, OutputStream output, Closeable resource, int maxResultBytes) {
        this(input, output, resource, maxResultBytes, ThreadLocalRandom.current().nextLong(1L << 48));
    }

    /** As above, numbering calls from {@code lastCall + 1}: for tests with canned replies. */
    RunnerConnection(InputStream input, OutputStream output, Closeable resource, int maxResultBytes, long lastCall) {
        this.input = new BufferedInputStream(Objects.requireNonNull(input, "input"), STREAM_BUFFER_BYTES);
        this.output = new BufferedOutputStream(Objects.requireNonNull(output, "output"), STREAM_BUFFER_BYTES);
        this.resource = Objects.requireNonNull(resource, "resource");
        if (maxResultBytes <= 0) {
            throw new IllegalArgumentException("maxResultBytes must be positive, not " + maxResultBytes);
        }
        this.maxResultBytes = maxResultBytes;
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
            throw protocolBroken("unexpected reply to ping: " + excerpt(header));
        }
        return pid.asLong();
    }

    /**
     * Loads {@code code} into the runner and checks it defines a callable {@code handler}; once per runner.
     *
     * @throws FunctionInitException if the code does not compile, raises while loading or lacks the handler
     */
    public void init(String code, String handler) {
        init(code, handler, Map.of(), Map.of());
    }

    /**
     * Loads {@code code} as {@link #init(String, String)} does, after setting {@code env} in the runner's environment
     * and writing {@code secrets} (name to value) as files in its secrets directory. The values go in the request
     * only: no exception this throws quotes them.
     *
     * @throws FunctionInitException if the code does not compile, raises while loading or lacks the handler
     */
    public void init(String code, String handler, Map<String, String> env, Map<String, String> secrets) {
        init(code, null, null, handler, env, secrets);
    }

    /**
     * Loads the module of {@code handler} ({@code module.function}) from {@code codeDirectory}, a directory of the
     * runner's (an unpacked archive) that goes first on its {@code sys.path}, with the environment and secrets as in
     * {@link #init(String, String, Map, Map)}.
     *
     * @throws FunctionInitException if the module does not import or lacks the function
     */
    public void initDirectory(String codeDirectory, String handler, Map<String, String> env,
                              Map<String, String> secrets) {
        init("", Objects.requireNonNull(codeDirectory, "codeDirectory"), null, handler, env, secrets);
    }

    /**
     * Loads the code: {@code code} (source), or, when {@code codeDirectory} is not null, the module of
     * {@code handler} from that directory; {@code dependenciesDirectory}, when not null, goes on {@code sys.path}
     * after it.
     */
    public void init(String code, String codeDirectory, String dependenciesDirectory, String handler,
                     Map<String, String> env, Map<String, String> secrets) {
        byte[] header;
        try {
            ObjectNode request = JSON.createObjectNode().put("op", "init").put("handler", handler);
            if (codeDirectory != null) {
                request.put("code_dir", codeDirectory);
            }
            if (dependenciesDirectory != null) {
                request.put("deps_dir", dependenciesDirectory);
            }
            if (!env.isEmpty()) {
                ObjectNode environment = request.putObject("env");
                new TreeMap<>(env).forEach(environment::put);
            }
            if (!secrets.isEmpty()) {
                ObjectNode values = request.putObject("secrets");
                new TreeMap<>(secrets).forEach(values::put);
            }
            header = JSON.writeValueAsBytes(request.put("call", ++lastCall));
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
     * @throws ForgedReplyException if the reply is not one the runner sends (the function wrote its own); the
     *     connection is closed
     * @throws InvalidRequestException if {@code paramsJson} is not a JSON object the runner can read
     */
    public RunOutput run(String paramsJson) {
        Reply reply = exchange(header(RUN), paramsJson.getBytes(StandardCharsets.UTF_8));
        if (!reply.ok()) {
            throw failure(reply.header());
        }
        String result = new String(reply.body(), StandardCharsets.UTF_8);
        String invalid = notOneJsonValue(result);
        if (invalid != null) {
            // The runner writes every result with json.dumps(allow_nan=False): only a forged reply gets here.
            throw forged("ResultNotSerializable", "the instance's reply holds a result that is not one JSON value: "
                    + invalid);
        }
        String logs = text(reply.header(), "logs");
        String boundedLogs = bounded(logs);
        return new RunOutput(result, boundedLogs,
                reply.header().path("logs_truncated").asBoolean(false) || boundedLogs.length() != logs.length());
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
            message = RunnerFrames.read(input, MAX_HEADER_BYTES, maxResultBytes);
        } catch (FrameTooLargeException e) {
            // Not read, and never allocated: a forged prefix may announce 4 GiB.
            throw "body".equals(e.part())
                    ? forged("ResultTooLarge", "the result is " + e.announcedBytes()
                            + " bytes, more than the limit of " + e.limitBytes() + " bytes")
                    : forged("ReplyTooLarge", "the instance's reply has a " + e.part() + " of " + e.announcedBytes()
                            + " bytes, more than the limit of " + e.limitBytes() + " bytes");
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
        String type = bounded(text(error, "type"));
        String message = bounded(text(error, "message"));
        String traceback = bounded(text(error, "traceback"));
        String logs = bounded(text(header, "logs"));
        return switch (text(error, "kind")) {
            case "init" -> new FunctionInitException(type, message, traceback, error.path("line").asInt(0), logs);
            case "raised" -> new FunctionRaisedException(type, message, traceback, logs);
            case "result" -> new InvalidResultException(type, message, logs);
            case "params" -> new InvalidRequestException("params", message);
            case "protocol" -> new InstanceCrashedException(
                    "the runner rejected a request: " + type + ": " + message, false, logs);
            default -> protocolBroken("unexpected failure reply: " + excerpt(header));
        };
    }

    /** Closes the connection (its stream cannot be trusted to be in step any more) and explains why. */
    private ForgedReplyException forged(String type, String detail) {
        close();
        return new ForgedReplyException(type, detail);
    }

    /**
     * Why {@code text} is not exactly one strict JSON value (nothing before or after it but JSON whitespace, no NaN
     * or Infinity), or null if it is one. Streams over it, building nothing, so it costs no more than the text.
     */
    static String notOneJsonValue(String text) {
        if (text.isEmpty()) {
            return "it is empty";
        }
        try (JsonParser parser = RESULTS.createParser(text)) {
            if (parser.nextToken() == null) {
                return "it holds no value";
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                return "more follows the value at character " + parser.currentTokenLocation().getCharOffset();
            }
            return null;
        } catch (JsonProcessingException e) {
            return e.getOriginalMessage();
        } catch (IOException e) {
            throw new IllegalStateException("reading a string failed", e);
        }
    }

    /** {@code text} cut to {@link #MAX_TEXT_CHARS} characters with a notice, unless the runner could have sent it. */
    static String bounded(String text) {
        if (text.length() <= MAX_TEXT_CHARS + RUNNER_NOTICE_CHARS) {
            return text;
        }
        int cut = Character.isHighSurrogate(text.charAt(MAX_TEXT_CHARS - 1)) ? MAX_TEXT_CHARS - 1 : MAX_TEXT_CHARS;
        return text.substring(0, cut) + "\n[truncated by the platform: " + (text.length() - cut)
                + " more characters not shown]\n";
    }

    /** The start of a reply's header, for an exception's message: a forged one may be megabytes long. */
    private static String excerpt(JsonNode header) {
        String text = header.toString();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
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
