package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.testkit.RequiresDocker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A function that forges its runner's reply with the right call number (it shares the runner's process, so it
 * finds the protocol socket and the number among the interpreter's frames) against the real server with its Docker
 * runtime: every forgery is a 422 {@code invalid-result}, the instance is replaced, a {@link Canary} keeps answering
 * and the server's heap never holds what a forged prefix announces.
 */
@Tag("docker")
@Tag("reliability")
@RequiresDocker
class ForgedReplySuiteTest {

    private static final int MIB = 1024 * 1024;

    /** Writes a reply of its own kind, with the call number the runner is answering, then never returns. */
    private static final String FORGER = """
            import json, os, socket, struct, sys, time
            def runner_state():
                call = connection = None
                frame = sys._getframe()
                while frame is not None:
                    for value in list(frame.f_locals.values()):
                        if call is None and isinstance(value, dict) and "op" in value and "call" in value:
                            call = value["call"]
                        if connection is None and isinstance(value, socket.socket):
                            connection = value
                    frame = frame.f_back
                return connection, call
            def user_function(kind, mib=16):
                if kind == "none":
                    return "real"
                connection, call = runner_state()
                header = {"ok": True, "call": call, "logs": "", "logs_truncated": False}
                try:
                    if kind == "logs":
                        start = json.dumps(header)[:-1].encode() + b', "logs": "'
                        size = mib * 1024 * 1024
                        connection.sendall(struct.pack(">II", len(start) + size + 2, 1) + start)
                        chunk = b"x" * 65536
                        for _ in range(size // len(chunk)):
                            connection.sendall(chunk)
                        connection.sendall(b'"}1')
                    else:
                        body = {"nonjson": b"hello", "injected": b'1} , "injected": {"x": 1',
                                "trailing": b'{"a": 1} {"b": 2}', "nan": b"NaN",
                                "oversized": b"1" * (7 * 1024 * 1024)}[kind]
                        head = json.dumps(header).encode()
                        connection.sendall(struct.pack(">II", len(head), len(body)) + head + body)
                except OSError:
                    pass  # the platform hung up: it read what it needed
                time.sleep(600)
            """;

    @RegisterExtension
    static final CanaryServer SERVER = CanaryServer.onDocker("rforge");

    private static String forgerId;

    private final Api api = SERVER.api();

    @BeforeAll
    static void registerForger() {
        forgerId = SERVER.api().register("forger", FORGER);
    }

    @AfterEach
    void serverStayedUp() {
        assertThat(SERVER.server().alive()).isTrue();
    }

    @Test
    void forgedRepliesWithTheRightCallNumber_areInvalidResults_andTheInstanceIsReplaced() {
        Map<String, String> expectedTypes = Map.of("nonjson", "ResultNotSerializable",
                "injected", "ResultNotSerializable", "trailing", "ResultNotSerializable",
                "nan", "ResultNotSerializable", "oversized", "ResultTooLarge", "logs", "ReplyTooLarge");

        for (String kind : List.of("nonjson", "injected", "trailing", "nan", "oversized", "logs")) {
            Api.Reply forged = api.invoke(forgerId, Map.of("kind", kind));

            JsonNode problem = forged.problem(422, "invalid-result");
            assertThat(problem.at("/error/type").asText()).as(kind).isEqualTo(expectedTypes.get(kind));
            assertThat(forged.body()).as(kind).doesNotContain("injected\":{").hasSizeLessThan(64 * 1024);
            assertThat(forged.millis()).as(kind + ": the platform does not wait for the runner").isLessThan(15_000);
            // The forging instance was discarded: the next call gets a fresh one and its own answer.
            assertThat(api.invoke(forgerId, Map.of("kind", "none")).result().asText()).as(kind).isEqualTo("real");
        }
    }

    @Test
    void manyConcurrentForgedLogReplies_leaveTheHeapBounded() throws Exception {
        int forgeries = 16;
        int mibEach = 15; // the most the former 16 MiB reply limit let through, header and body together
        long allocatedBefore = allocatedBytes();

        List<CompletableFuture<Api.Reply>> calls = IntStream.range(0, forgeries)
                .mapToObj(i -> CompletableFuture.supplyAsync(
                        () -> api.invoke(forgerId, Map.of("kind", "logs", "mib", mibEach))))
                .toList();
        for (CompletableFuture<Api.Reply> call : calls) {
            assertThat(call.get().problem(422, "invalid-result").at("/error/type").asText())
                    .isEqualTo("ReplyTooLarge");
        }
        long allocated = allocatedBytes() - allocatedBefore;

        System.out.printf("%d forged replies of %d MiB of logs each: the server allocated %d MiB meanwhile%n",
                forgeries, mibEach, allocated / MIB);
        // Reading them would allocate each at least once (bytes, then text): 240 MiB. Refused at their prefix,
        // what remains is the calls' own cost (containers started and removed, HTTP, the canary).
        assertThat(allocated).isLessThan((long) forgeries * mibEach * MIB);
    }

    /** {@code jvm_gc_memory_allocated_bytes_total} from the server's {@code /metrics}. */
    private long allocatedBytes() {
        String metrics = api.get("/metrics").body();
        Matcher matcher = Pattern.compile("(?m)^jvm_gc_memory_allocated_bytes_total(?:\\{[^}]*})? (\\S+)$")
                .matcher(metrics);
        assertThat(matcher.find()).as("jvm_gc_memory_allocated_bytes_total in /metrics").isTrue();
        return (long) Double.parseDouble(matcher.group(1));
    }
}
