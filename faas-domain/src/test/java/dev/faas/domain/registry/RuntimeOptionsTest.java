package dev.faas.domain.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.RequestedLimits;
import dev.faas.ports.model.VersionOptions;
import dev.faas.testkit.MutableClock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A nodejs version takes env, secrets and archives (its module looked up as the Node.js runner does); on a node whose
 * dependency builder installs nothing for it, a nodejs version asking for requirements is refused with the field
 * named, never stored to run without them.
 */
class RuntimeOptionsTest {

    private static final String JS = "module.exports.user_function = () => 1;\n";

    private final InMemoryFunctionRepository repository = new InMemoryFunctionRepository();
    private final FunctionRegistry registry = new FunctionRegistry(repository, LimitsPolicy.defaults(),
            MutableClock.atEpoch(), null, id -> { }, Set.of("python3", "nodejs"));

    @Test
    void givenNodejsVersionWithRequirements_register_isRefusedNamingTheField() {
        VersionOptions node = VersionOptions.DEFAULT.withRuntime("nodejs");

        assertRefused(node.withRequirements("left-pad==1.0\n"), "requirements");
        assertThat(repository.findLatest(FunctionName.of("js"))).isEmpty();
    }

    @Test
    void givenNodejsVersionWithEnvAndSecrets_register_passesThemOnAsForPython() {
        VersionOptions node = VersionOptions.DEFAULT.withRuntime("nodejs");

        VersionOptions stored = registry.register(new RegisterFunctionCommand(FunctionName.of("js"), JS, null,
                RequestedLimits.DEFAULTS, node.withEnv(Map.of("GREETING", "hi")))).options();

        assertThat(stored.env()).containsEntry("GREETING", "hi");
        // Past the runtime's gate, the secrets meet this node's secret store (none here), as a Python version's do.
        assertThatThrownBy(() -> registry.register(new RegisterFunctionCommand(FunctionName.of("js"), JS, null,
                RequestedLimits.DEFAULTS, node.withSecrets(List.of("token")))))
                .isInstanceOf(dev.faas.ports.error.SecretsNotConfiguredException.class);
    }

    @Test
    void givenNodejsArchive_register_findsItsModuleAsNodeDoes_andNamesTheMissingOne() throws Exception {
        VersionOptions node = VersionOptions.DEFAULT.withRuntime("nodejs").withArchive(true);
        String indexJs = zip(Map.of("index.js", JS, "lib/util.js", "module.exports = 1;\n",
                "node_modules/pad/index.js", "module.exports = (s) => s;\n"));
        String packageDirectory = zip(Map.of("app/index.js", JS));
        String pythonOnly = zip(Map.of("index.py", "def user_function(): return 1\n"));

        assertThat(registry.register(new RegisterFunctionCommand(FunctionName.of("js"), indexJs, "index.user_function",
                RequestedLimits.DEFAULTS, node)).options().archive()).isTrue();
        assertThat(registry.register(new RegisterFunctionCommand(FunctionName.of("js"), packageDirectory,
                "app.user_function", RequestedLimits.DEFAULTS, node)).id().version()).isEqualTo(2);
        assertThatThrownBy(() -> registry.register(new RegisterFunctionCommand(FunctionName.of("js"), pythonOnly,
                "index.user_function", RequestedLimits.DEFAULTS, node)))
                .isInstanceOf(dev.faas.ports.error.InvalidArchiveException.class)
                .hasMessageContaining("no module 'index' (index.js");
    }

    private static String zip(Map<String, String> files) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> file : new java.util.TreeMap<>(files).entrySet()) {
                zip.putNextEntry(new java.util.zip.ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return java.util.Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    @Test
    void givenNodejsVersionWithoutThem_register_storesIt() {
        assertThat(registry.register(new RegisterFunctionCommand(FunctionName.of("js"), JS, null,
                RequestedLimits.DEFAULTS, VersionOptions.DEFAULT.withRuntime("nodejs"))).options().runtime())
                .isEqualTo("nodejs");
    }

    private void assertRefused(VersionOptions options, String field) {
        assertThatThrownBy(() -> registry.register(new RegisterFunctionCommand(FunctionName.of("js"), JS, null,
                RequestedLimits.DEFAULTS, options)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining("does not install dependencies for the runtime 'nodejs'");
    }
}
