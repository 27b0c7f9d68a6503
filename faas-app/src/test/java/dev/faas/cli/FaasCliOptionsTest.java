package dev.faas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.app.FaasConfig;
import dev.faas.app.FaasServer;
import dev.faas.testkit.FakeFunctionRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the CLI's global options may go, what it prints when the server does not answer, and its exit codes. */
class FaasCliOptionsTest {

    @TempDir
    static Path directory;

    private static FaasServer server;
    private static String url;

    @BeforeAll
    static void startServer() {
        FakeFunctionRuntime runtime = new FakeFunctionRuntime();
        server = FaasServer.start(FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "FAAS_PREWARM", "0",
                "FAAS_DATA_DIR", directory.toString())), new InMemoryFunctionRepository(), runtime);
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
        int status = FaasCli.run(() -> { }, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void globalOptions_areAcceptedAfterTheCommand_asBeforeIt() throws Exception {
        Path code = Files.writeString(directory.resolve("f.py"), "def user_function():\n    return 1\n");

        Run after = faas("register", "--url", url, "--api-key", "unused", "anywhere", code.toString());
        Run between = faas("register", "anywhere", "--url", url, code.toString());
        Run before = faas("--url", url, "versions", "anywhere");

        assertThat(after).isEqualTo(new Run(0, "anywhere-1\n", ""));
        assertThat(between).isEqualTo(new Run(0, "anywhere-2\n", ""));
        assertThat(before.status()).isZero();
        assertThat(before.out()).contains("anywhere-1", "anywhere-2");
    }

    @Test
    void list_whenTheServerCannotBeReached_printsNothing_andExits3() {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        Run list = faas("list", "--url", "http://127.0.0.1:1");

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
