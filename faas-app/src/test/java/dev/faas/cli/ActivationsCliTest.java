package dev.faas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.faas.cli.CliServer.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code faas invoke --async}, {@code faas activations list|get|logs} and {@code faas schedules create|list|delete}
 * against a real server.
 */
class ActivationsCliTest {

    @TempDir
    static Path directory;

    @RegisterExtension
    static final CliServer faas = new CliServer(() -> directory);

    @Test
    void invokeAsync_printsTheActivationId_andActivationsShowItsRecordAndLogs() throws Exception {
        Path code = Files.writeString(directory.resolve("shout.py"),
                "def user_function(word):\n    print('shouting', word)\n    return word.upper()\n");
        assertThat(faas.run("register", "shout", code.toString()).status()).isZero();

        Run queued = faas.run("invoke", "shout-1", "word=hey", "--async");

        assertThat(queued.status()).as(queued.err()).isZero();
        String id = queued.out().strip();
        assertThat(id).matches("[0-9a-f]{32}");
        await().atMost(Duration.ofSeconds(60)).until(() -> faas.run("activations", "get", id).out()
                .contains("\"succeeded\""));
        Run record = faas.run("activations", "get", id);
        assertThat(record.out()).contains("\"result\" : \"HEY\"").contains("\"function\" : \"shout-1\"");
        assertThat(faas.run("activations", "logs", id).out()).isEqualTo("shouting hey\n");
        Run listed = faas.run("activations", "list", "--function", "shout");
        assertThat(listed.out()).contains(id).contains("succeeded").startsWith("ID ");
        Run none = faas.run("activations", "list", "--status", "failed", "--function", "shout");
        assertThat(none.out().lines()).hasSize(1);
    }

    @Test
    void schedules_createListDelete() throws Exception {
        Path code = Files.writeString(directory.resolve("tick.py"), "def user_function(n=0):\n    return n\n");
        assertThat(faas.run("register", "tick", code.toString()).status()).isZero();

        Run created = faas.run("schedules", "create", "tick", "*/5 * * * *", "--json", "{\"n\":1}", "--timezone",
                "Europe/Paris");

        assertThat(created.status()).as(created.err()).isZero();
        String id = created.out().strip();
        assertThat(id).matches("[0-9a-f]{32}");
        Run listed = faas.run("schedules", "list", "tick");
        assertThat(listed.out()).contains(id).contains("*/5 * * * *").contains("Europe/Paris");
        Run bad = faas.run("schedules", "create", "tick", "every minute");
        assertThat(bad.status()).isEqualTo(FaasCli.EXIT_REFUSED);
        assertThat(bad.err()).contains("cron");
        assertThat(faas.run("schedules", "delete", "tick", id).out()).isEqualTo("deleted " + id + "\n");
        assertThat(faas.run("schedules", "list", "tick").out().lines()).hasSize(1);
    }

    @Test
    void badIdsAndUnknownActivations_areRefusedWithTheirReason() {
        Run malformed = faas.run("activations", "get", "nope");
        Run unknown = faas.run("activations", "get", "0".repeat(32));
        Run badStatus = faas.run("activations", "list", "--status", "done");
        Run badAsyncId = faas.run("invoke", "nodash", "--async");

        assertThat(malformed.status()).isEqualTo(2);
        assertThat(malformed.err()).contains("not an activation id");
        assertThat(unknown.status()).isEqualTo(FaasCli.EXIT_REFUSED);
        assertThat(unknown.err()).contains("not found");
        assertThat(badStatus.status()).isEqualTo(FaasCli.EXIT_REFUSED);
        assertThat(badStatus.err()).contains("status");
        assertThat(badAsyncId.status()).isEqualTo(2);
    }
}
