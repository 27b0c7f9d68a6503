package dev.faas.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.FunctionRaisedException;
import dev.faas.ports.error.InvalidCodeException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionSummary;
import dev.faas.ports.model.StartKind;
import dev.faas.testkit.FakeFunctionRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding API with its defaults: in-memory store, python3 processes. */
class FaasPlatformTest {

    private static final String HELLO = "def user_function(name):\n    return 'Hello, ' + name + '!'\n";

    @Test
    void defaults_registerAndInvoke_withTypedParamsAndResults() {
        try (FaasPlatform faas = FaasPlatform.builder().build()) {
            FunctionId id = faas.register("hello", HELLO);

            assertThat(id).hasToString("hello-1");
            assertThat(faas.invoke(id, Map.of("name", "World"), String.class)).isEqualTo("Hello, World!");
            assertThat(faas.invokeJson("hello-1", "{\"name\":\"JSON\"}")).isEqualTo("\"Hello, JSON!\"");
            assertThat(faas.invoke(id, "{\"name\":\"again\"}").startKind()).isEqualTo(StartKind.WARM);
        }
    }

    @Test
    void structuredResults_mapToJavaTypes() {
        try (FaasPlatform faas = FaasPlatform.builder().build()) {
            FunctionId id = faas.register("stats", "def user_function(values):\n"
                    + "    return {'count': len(values), 'total': sum(values), 'values': values}\n");

            @SuppressWarnings("unchecked")
            Map<String, Object> stats = faas.invoke(id, Map.of("values", List.of(1, 2, 3)), Map.class);
            Totals totals = faas.invoke(id, Map.of("values", List.of(4, 5)), Totals.class);

            assertThat(stats).containsEntry("count", 3).containsEntry("total", 6);
            assertThat(totals).isEqualTo(new Totals(2, 9, List.of(4, 5)));
        }
    }

    record Totals(int count, int total, List<Integer> values) {
    }

    @Test
    void listVersionsAndDelete_followTheRegistrations(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("greet.py");
        Files.writeString(file, HELLO);
        try (FaasPlatform faas = FaasPlatform.builder().build()) {
            faas.register("hello", HELLO);
            faas.register("hello", file);
            faas.register("other", HELLO);
            faas.invoke("hello-2", Map.of("name", "x"), String.class);

            assertThat(faas.list()).extracting(FunctionSummary::latestVersion).containsExactly(2, 1);
            assertThat(faas.versions("hello")).extracting(FunctionDefinition::version).containsExactly(1, 2);
            assertThat(faas.invokeLatest("hello", Map.of("name", "latest"), String.class)).isEqualTo("Hello, latest!");

            faas.delete("hello-2");
            assertThatThrownBy(() -> faas.invoke("hello-2", Map.of("name", "x"), String.class))
                    .isInstanceOf(FunctionNotFoundException.class);
            assertThat(faas.deleteAll("hello")).extracting(FunctionId::toString).containsExactly("hello-1");
            assertThat(faas.register("hello", HELLO)).hasToString("hello-3");
        }
    }

    @Test
    void userErrorsAndBadCode_areTypedExceptions() {
        try (FaasPlatform faas = FaasPlatform.builder().build()) {
            FunctionId id = faas.register("fails", "def user_function():\n    raise ValueError('nope')\n");

            assertThatThrownBy(() -> faas.invoke(id, Map.of(), Object.class))
                    .isInstanceOfSatisfying(FunctionRaisedException.class,
                            e -> assertThat(e.errorType()).isEqualTo("ValueError"));
            assertThatThrownBy(() -> faas.register("broken", "def user_function(:\n"))
                    .isInstanceOf(InvalidCodeException.class);
        }
    }

    @Test
    void twoPlatformsSharingAStore_aDeleteThroughOne_isForgottenByTheOther_withItsInstances() throws Exception {
        InMemoryFunctionRepository shared = new InMemoryFunctionRepository();
        FakeFunctionRuntime runtimeA = new FakeFunctionRuntime();
        FakeFunctionRuntime runtimeB = new FakeFunctionRuntime();
        try (FaasPlatform a = FaasPlatform.builder().repository(shared).runtime(runtimeA).checkCode(false)
                     .nodeId("node-a").build();
             FaasPlatform b = FaasPlatform.builder().repository(shared).runtime(runtimeB).checkCode(false).build()) {
            SharedStorePlatforms.assertDeleteThroughFirstIsForgottenBySecond(a, b, runtimeB, HELLO);

            assertThat(a.nodeId()).isEqualTo("node-a");
            assertThat(b.nodeId()).isEqualTo("local");
            assertThat(b.readiness().readiness().node()).isEqualTo("local");
        }
    }

    @Test
    void close_stopsEveryInstance() {
        FaasPlatform faas = FaasPlatform.builder().prewarm(1).build();
        FunctionId id = faas.register("hello", HELLO);
        faas.invoke(id, Map.of("name", "x"), String.class);
        assertThat(faas.runningInstances()).isNotEmpty();

        faas.close();

        assertThat(faas.runningInstances()).isEmpty();
    }
}
