package dev.faas.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.InstanceCrashedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The init frame's env and secrets, against a real {@code python3 faas_runner.py}. */
class RunnerSpecialisationTest {

    private static final String READER = "import os\n"
            + "LOADED_WITH = os.environ.get('COLOUR')\n"
            + "def user_function():\n"
            + "    directory = os.environ['FAAS_SECRETS_DIR']\n"
            + "    return {'loadedWith': LOADED_WITH, 'colour': os.environ['COLOUR'],\n"
            + "            'token': open(os.path.join(directory, 'api.token')).read(),\n"
            + "            'files': sorted(os.listdir(directory))}\n";

    @TempDir
    Path directory;

    @RegisterExtension
    final StartedRunner.PerTest runners = new StartedRunner.PerTest();

    @Test
    void init_setsTheEnvBeforeTheCodeLoads_andWritesEachSecretAsAnOwnerReadOnlyFile() throws IOException {
        Path secrets = Files.createDirectory(directory.resolve("secrets"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        RunnerConnection connection = runners.connect(runners.start(directory, "--secrets-dir", secrets.toString()));

        connection.init(READER, "user_function", Map.of("COLOUR", "blue \u00e9"),
                Map.of("api.token", "t0k\u00e9n\nline2", "other", ""));

        assertThat(connection.run("{}").resultJson()).isEqualTo("{\"loadedWith\":\"blue \u00e9\",\"colour\":"
                + "\"blue \u00e9\",\"token\":\"t0k\u00e9n\\nline2\",\"files\":[\"api.token\",\"other\"]}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets.resolve("api.token"))))
                .isEqualTo("r--------");
    }

    @Test
    void secretsWithoutASecretsDirectory_areRefused_withoutQuotingTheirValue() throws IOException {
        RunnerConnection connection = runners.connect(runners.start(directory));

        assertThatThrownBy(() -> connection.init(READER, "user_function", Map.of(), Map.of("a", "value-marker")))
                .isInstanceOf(InstanceCrashedException.class)
                .hasMessageContaining("NoSecretsDirectory")
                .hasMessageNotContaining("value-marker");
    }

    @Test
    void aSecretNamedLikeAPath_isRefused_andNothingIsWrittenOutsideTheDirectory() throws IOException {
        Path secrets = Files.createDirectory(directory.resolve("secrets"));
        RunnerConnection connection = runners.connect(runners.start(directory, "--secrets-dir", secrets.toString()));

        assertThatThrownBy(() -> connection.init(READER, "user_function", Map.of(), Map.of("../escaped", "x")))
                .isInstanceOf(InstanceCrashedException.class).hasMessageContaining("not a file name");
        assertThat(directory.resolve("escaped")).doesNotExist();
    }

    @Test
    void aSecretFilePlantedBeforehand_isNeverWrittenThrough() throws IOException {
        Path secrets = Files.createDirectory(directory.resolve("secrets"));
        Path target = directory.resolve("target");
        Files.createSymbolicLink(secrets.resolve("planted"), target);
        RunnerConnection connection = runners.connect(runners.start(directory, "--secrets-dir", secrets.toString()));

        assertThatThrownBy(() -> connection.init(READER, "user_function", Map.of(), Map.of("planted", "value-marker")))
                .hasMessageContaining("SecretNotWritten").hasMessageNotContaining("value-marker");
        assertThat(target).doesNotExist();
    }
}
