package dev.faas.adapter.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.model.LanguageRuntime;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.testkit.NodeRuntimeContract;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Node.js runner as a local node process (FAAS_NODE, default {@code node}). */
class ProcessNodeRuntimeTest extends NodeRuntimeContract {

    @TempDir
    Path workDirectory;

    @Override
    protected FunctionRuntime createRuntime() {
        return new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(workDirectory));
    }

    @Test
    void languageRuntimes_nameBothInterpretersWithTheirVersions() {
        assertThat(runtime.languageRuntimes()).extracting(LanguageRuntime::name).containsExactly("python3", "nodejs");
        assertThat(runtime.languageRuntimes()).allSatisfy(offered -> assertThat(offered.version()).matches("\\d+\\.\\d+\\.\\d+"));
    }

    @Test
    void givenAnUnknownRuntime_start_refusesIt() {
        assertThatThrownBy(() -> runtime.start(InstanceSpec.prewarm("ruby", 256)))
                .isInstanceOf(UnableToStartInstanceException.class)
                .hasMessageContaining("'ruby'");
    }

    @Test
    void givenAMissingConfiguredNode_theRuntime_explainsWhatIsWrong() {
        assertThatThrownBy(() -> new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(workDirectory.resolve("o"))
                .withNodeCommand("no-such-node")))
                .hasMessageContaining("no-such-node").hasMessageContaining("FAAS_NODE");
    }

    @Test
    void givenNoNodeCommand_onlyPythonIsOffered() {
        try (ProcessFunctionRuntime pythonOnly = new ProcessFunctionRuntime(new ProcessRuntimeSettings("python3",
                workDirectory.resolve("p"), Duration.ofSeconds(10), 1024, null))) {
            assertThat(pythonOnly.languageRuntimes()).extracting(LanguageRuntime::name).containsExactly("python3");
        }
    }
}
