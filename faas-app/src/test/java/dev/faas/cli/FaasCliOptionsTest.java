package dev.faas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.cli.CliServer.Run;
import dev.faas.testkit.FakeFunctionRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Where the CLI's global options may go, what it prints when the server does not answer, and its exit codes. */
class FaasCliOptionsTest {

    @TempDir
    static Path directory;

    @RegisterExtension
    static final CliServer faas = new CliServer(() -> directory).withRuntime(FakeFunctionRuntime::new);

    @Test
    void globalOptions_areAcceptedAfterTheCommand_asBeforeIt() throws Exception {
        Path code = Files.writeString(directory.resolve("f.py"), "def user_function():\n    return 1\n");

        Run after = faas.runWithoutUrl("register", "--url", faas.url(), "--api-key", "unused", "anywhere",
                code.toString());
        Run between = faas.runWithoutUrl("register", "anywhere", "--url", faas.url(), code.toString());
        Run before = faas.runWithoutUrl("--url", faas.url(), "versions", "anywhere");

        assertThat(after).isEqualTo(new Run(0, "anywhere-1\n", ""));
        assertThat(between).isEqualTo(new Run(0, "anywhere-2\n", ""));
        assertThat(before.status()).isZero();
        assertThat(before.out()).contains("anywhere-1", "anywhere-2");
    }

    @Test
    void list_whenTheServerCannotBeReached_printsNothing_andExits3() {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        Run list = faas.runWithoutUrl("list", "--url", "http://127.0.0.1:1");

        assertThat(list.status()).isEqualTo(FaasCli.EXIT_UNREACHABLE);
        assertThat(list.out()).isEmpty();
        assertThat(list.err()).startsWith("faas: ");
    }

    @Test
    void binFaas_withoutTheJar_exits5_notAsAnUnreachableServer() throws Exception {
        Path script = Path.of("..", "bin", "faas").toAbsolutePath().normalize();
        ProcessBuilder builder = new ProcessBuilder("sh", script.toString(), "list").redirectErrorStream(true);
        builder.environment().put("FAAS_JAR", directory.resolve("no-such.jar").toString());

        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(5);
        assertThat(output).contains("not found").contains("mvn -B -q package -DskipTests");
    }
}
