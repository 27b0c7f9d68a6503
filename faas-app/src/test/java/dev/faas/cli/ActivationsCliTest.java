package dev.faas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import dev.faas.app.FaasConfig;
import dev.faas.app.FaasServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code faas invoke --async}, {@code faas activations list|get|logs} and {@code faas schedules create|list|delete}
 * against a real server.
 */
class ActivationsCliTest {

    @TempDir
    static Path directory;

    private static FaasServer server;
    private static String url;

    @BeforeAll
    static void startServer() {
        server = FaasServer.start(FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "FAAS_PREWARM", "0",
                        "FAAS_DATA_DIR", directory.toString())), new InMemoryFunctionRepository(),
                new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(directory.resolve("instances"))));
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    record Run(int status, String out, String err) {
    }

    private static Run faas(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] withUrl = new String[args.length + 2];
        withUrl[0] = "--url";
        withUrl[1] = url;
        System.arraycopy(args, 0, withUrl, 2, args.length);
        int status = FaasCli.run(() -> { }, new PrintWriter(out, true), new PrintWriter(err, true), withUrl);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void invokeAsync_printsTheActivationId_andActivationsShowItsRecordAndLogs() throws Exception {
        Path code = Files.writeString(directory.resolve("shout.py"),
                "def user_function(word):\n    print('shouting', word)\n    return word.upper()\n");
        assertThat(faas("register", "shout", code.toString()).status()).isZero();

        Run queued = faas("invoke", "shout-1", "word=hey", "--async");

        assertThat(queued.status()).as(queued.err()).isZero();
        String id = queued.out().strip();
        assertThat(id).matches("[0-9a-f]{32}");
        await().atMost(Duration.ofSeconds(60)).until(() -> faas("activations", "get", id).out()
                .contains("\"succeeded\""));
        Run record = faas("activations", "get", id);
        assertThat(record.out()).contains("\"result\" : \"HEY\"").contains("\"function\" : \"shout-1\"");
        assertThat(faas("activations", "logs", id).out()).isEqualTo("shouting hey\n");
        Run listed = faas("activations", "list", "--function", "shout");
        assertThat(listed.out()).contains(id).contains("succeeded").startsWith("ID ");
        Run none = faas("activations", "list", "--status", "failed", "--function", "shout");
        assertThat(none.out().lines()).hasSize(1);
    }

    @Test
    void schedules_createListDelete() throws Exception {
        Path code = Files.writeString(directory.resolve("tick.py"), "def user_function(n=0):\n    return n\n");
        assertThat(faas("register", "tick", code.toString()).status()).isZero();

        Run created = faas("schedules", "create", "tick", "*/5 * * * *", "--json", "{\"n\":1}", "--timezone",
                "Europe/Paris");

        assertThat(created.status()).as(created.err()).isZero();
        String id = created.out().strip();
        assertThat(id).matches("[0-9a-f]{32}");
        Run listed = faas("schedules", "list", "tick");
        assertThat(listed.out()).contains(id).contains("*/5 * * * *").contains("Europe/Paris");
        Run bad = faas("schedules", "create", "tick", "every minute");
        assertThat(bad.status()).isEqualTo(FaasCli.EXIT_REFUSED);
        assertThat(bad.err()).contains("cron");
        assertThat(faas("schedules", "delete", "tick", id).out()).isEqualTo("deleted " + id + "\n");
        assertThat(faas("schedules", "list", "tick").out().lines()).hasSize(1);
    }

    @Test
    void badIdsAndUnknownActivations_areRefusedWithTheirReason() {
        Run malformed = faas("activations", "get", "nope");
        Run unknown = faas("activations", "get", "0".repeat(32));
        Run badStatus = faas("activations", "list", "--status", "done");
        Run badAsyncId = faas("invoke", "nodash", "--async");

        assertThat(malformed.status()).isEqualTo(2);
        assertThat(malformed.err()).contains("not an activation id");
        assertThat(unknown.status()).isEqualTo(FaasCli.EXIT_REFUSED);
        assertThat(unknown.err()).contains("not found");
        assertThat(badStatus.status()).isEqualTo(FaasCli.EXIT_REFUSED);
        assertThat(badStatus.err()).contains("status");
        assertThat(badAsyncId.status()).isEqualTo(2);
    }
}
