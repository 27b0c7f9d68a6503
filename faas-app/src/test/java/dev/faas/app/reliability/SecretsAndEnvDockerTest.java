package dev.faas.app.reliability;

import dev.faas.testkit.RequiresDocker;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version's env and secret in real containers, delivered to a pre-warmed instance when it is specialised: the env
 * is {@code os.environ}, the secret a 0400 file in {@code /run/secrets}, a tmpfs of the container's own that only
 * the function's user may enter; the value is in neither the container's configuration (the engine's inspect) nor
 * the server's log.
 */
@Tag("docker")
@Tag("reliability")
@RequiresDocker
class SecretsAndEnvDockerTest {

    private static final String PROBE = "import os, stat\n"
            + "def user_function():\n"
            + "    mounts = [line.split() for line in open('/proc/mounts')]\n"
            + "    secrets_mount = [m for m in mounts if m[1] == '/run/secrets']\n"
            + "    directory = os.stat('/run/secrets')\n"
            + "    file = os.stat('/run/secrets/api-token')\n"
            + "    return {'env': os.environ.get('REGION'), 'secret': open('/run/secrets/api-token').read(),\n"
            + "            'fs': secrets_mount[0][2] if secrets_mount else None,\n"
            + "            'dirMode': oct(stat.S_IMODE(directory.st_mode)), 'dirUid': directory.st_uid,\n"
            + "            'fileMode': oct(stat.S_IMODE(file.st_mode)), 'uid': os.getuid()}\n";

    @TempDir
    Path workDirectory;

    @Test
    void firstCallOnAPrewarmedContainer_seesEnvAndSecretFile_onAPrivateTmpfs() throws Exception {
        String node = DockerSupport.uniqueNode("rsec");
        SecretProbe.firstCallOnAPrewarmedContainer(workDirectory, node, Map.of("FAAS_RUNTIME", "docker",
                "FAAS_NODE_ID", node, "FAAS_SOCKET_DIR", DockerSupport.socketDirectory().toString(),
                "FAAS_PREWARM", "1"), null, PROBE, (api, id, call, secretValue) ->
                SecretProbe.assertSawEnvAndPrivateSecretFile(call.result(), secretValue, "0o700", "0o400"));
    }
}
