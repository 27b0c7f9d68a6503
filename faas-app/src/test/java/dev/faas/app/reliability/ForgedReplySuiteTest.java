package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.testkit.ReplyForger;
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

    @RegisterExtension
    static final CanaryServer SERVER = CanaryServer.onDocker("rforge");

    private static String forgerId;

    private final Api api = SERVER.api();

    @BeforeAll
    static void registerForger() {
        forgerId = SERVER.api().register("forger", ReplyForger.CODE);
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
