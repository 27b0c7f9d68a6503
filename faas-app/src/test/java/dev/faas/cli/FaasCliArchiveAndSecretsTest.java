package dev.faas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.cli.CliServer.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code faas register --archive DIR --env --secret} and {@code faas secrets} against a real server. */
class FaasCliArchiveAndSecretsTest {

    @TempDir
    static Path directory;

    @RegisterExtension
    static final CliServer faas = new CliServer(() -> directory)
            .with("FAAS_SECRETS_KEY", Base64.getEncoder().encodeToString(new byte[32]));

    @Test
    void registerArchiveDirectory_withEnvAndSecret_thenInvoke_returnsAll() throws Exception {
        Path source = Files.createDirectories(directory.resolve("fn/lib"));
        Files.writeString(directory.resolve("fn/main.py"), "import os\nfrom lib import words\n"
                + "def user_function():\n"
                + "    return [words.WORD, os.environ['MODE'], open(os.environ['FAAS_SECRETS_DIR'] + '/key').read()]\n");
        Files.writeString(source.resolve("__init__.py"), "");
        Files.writeString(source.resolve("words.py"), "WORD = 'sibling'\n");
        Path value = Files.writeString(directory.resolve("value.txt"), "v4lue\n");

        assertThat(faas.run("secrets", "set", "key", "--value-file", value.toString()).status()).isZero();
        Run listed = faas.run("secrets", "list");
        assertThat(listed.out()).contains("key").doesNotContain("v4lue");
        Run registered = faas.run("register", "cli-archive", "--archive", directory.resolve("fn").toString(),
                "--env", "MODE=fast", "--secret", "key");
        assertThat(registered.status()).as(registered.err()).isZero();
        assertThat(registered.out().strip()).isEqualTo("cli-archive-1");

        Run called = faas.run("invoke", "cli-archive-1");
        assertThat(called.out().strip()).isEqualTo("[\"sibling\",\"fast\",\"v4lue\"]");

        assertThat(faas.run("secrets", "delete", "key").out()).contains("deleted key");
        assertThat(faas.run("secrets", "delete", "key").err()).contains("Secret not found (404)");
        assertThat(faas.run("register", "both", directory.resolve("value.txt").toString(), "--archive",
                directory.resolve("fn").toString()).status()).isEqualTo(2);
    }
}
