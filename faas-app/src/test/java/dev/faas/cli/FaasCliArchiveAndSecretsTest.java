package dev.faas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import dev.faas.app.FaasConfig;
import dev.faas.app.FaasServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code faas register --archive DIR --env --secret} and {@code faas secrets} against a real server. */
class FaasCliArchiveAndSecretsTest {

    @TempDir
    static Path directory;

    private static FaasServer server;
    private static String url;

    @BeforeAll
    static void startServer() {
        server = FaasServer.start(FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "FAAS_PREWARM", "0",
                        "FAAS_DATA_DIR", directory.toString(),
                        "FAAS_SECRETS_KEY", Base64.getEncoder().encodeToString(new byte[32]))),
                new InMemoryFunctionRepository(),
                new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(directory.resolve("instances"))));
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private record Run(int status, String out, String err) {
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
    void registerArchiveDirectory_withEnvAndSecret_thenInvoke_returnsAll() throws Exception {
        Path source = Files.createDirectories(directory.resolve("fn/lib"));
        Files.writeString(directory.resolve("fn/main.py"), "import os\nfrom lib import words\n"
                + "def user_function():\n"
                + "    return [words.WORD, os.environ['MODE'], open(os.environ['FAAS_SECRETS_DIR'] + '/key').read()]\n");
        Files.writeString(source.resolve("__init__.py"), "");
        Files.writeString(source.resolve("words.py"), "WORD = 'sibling'\n");
        Path value = Files.writeString(directory.resolve("value.txt"), "v4lue\n");

        assertThat(faas("secrets", "set", "key", "--value-file", value.toString()).status()).isZero();
        Run listed = faas("secrets", "list");
        assertThat(listed.out()).contains("key").doesNotContain("v4lue");
        Run registered = faas("register", "cli-archive", "--archive", directory.resolve("fn").toString(),
                "--env", "MODE=fast", "--secret", "key");
        assertThat(registered.status()).as(registered.err()).isZero();
        assertThat(registered.out().strip()).isEqualTo("cli-archive-1");

        Run called = faas("invoke", "cli-archive-1");
        assertThat(called.out().strip()).isEqualTo("[\"sibling\",\"fast\",\"v4lue\"]");

        assertThat(faas("secrets", "delete", "key").out()).contains("deleted key");
        assertThat(faas("secrets", "delete", "key").err()).contains("Secret not found (404)");
        assertThat(faas("register", "both", directory.resolve("value.txt").toString(), "--archive",
                directory.resolve("fn").toString()).status()).isEqualTo(2);
    }
}
