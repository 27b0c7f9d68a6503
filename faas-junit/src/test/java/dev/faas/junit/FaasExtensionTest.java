package dev.faas.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.faas.platform.FaasPlatform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The extension as another project would use it, and its clean-up when a test fails. */
class FaasExtensionTest {

    @RegisterExtension
    static FaasExtension faas = FaasExtension.builder()
            .function("hello", "def user_function(name):\n    return 'Hello, ' + name + '!'\n")
            .functionFromResource("shout", "functions/shout.py")
            .functionFromDirectory("multi", java.nio.file.Path.of("src/test/resources/functions/multi"), null)
            .functionFromResource("shoutjs", "functions/shout.js")
            .function("greet", "export const user_function = async ({name}) => `Hi ${name}`;\n", "nodejs")
            .http()
            .build();

    @Test
    void injectedPlatform_callsTheRegisteredFunctions(FaasPlatform platform) {
        assertThat(faas.id("hello")).hasToString("hello-1");
        assertThat(platform.invoke(faas.id("hello"), Map.of("name", "JUnit"), String.class)).isEqualTo("Hello, JUnit!");
        assertThat(platform.invoke(faas.id("shout"), Map.of("text", "hi"), String.class)).isEqualTo("HI");
        assertThat(platform.invoke(faas.id("multi"), Map.of("name", "JUnit"), String.class))
                .isEqualTo("Hi, JUnit from a sibling");
    }

    @Test
    void nodeFunctions_fromAJsResourceOrWithTheirRuntime_runOnNode(FaasPlatform platform) {
        assertThat(platform.versions("shoutjs").get(0).options().runtime()).isEqualTo("nodejs");
        assertThat(platform.invoke(faas.id("shoutjs"), Map.of("text", "hi"), String.class)).isEqualTo("HI!");
        assertThat(platform.invoke(faas.id("greet"), Map.of("name", "Node"), String.class)).isEqualTo("Hi Node");
        assertThat(platform.runtimes()).extracting(runtime -> runtime.name()).containsExactly("python3", "nodejs");
    }

    @Test
    void injectedBaseUrl_servesTheHttpApi(@FaasBaseUrl URI baseUrl) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(baseUrl.resolve("/invoke"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"hello-1\",\"params\":{\"name\":\"HTTP\"}}"))
                        .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo("{\"result\":\"Hello, HTTP!\"}");
    }

    @Test
    void failingTestClass_leavesNoRunnerProcessBehind() {
        long before = runnerProcesses();
        FailingTests.launchedByTestKit = true;

        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailingTests.class))
                .execute().testEvents();

        tests.assertStatistics(stats -> stats.started(2).succeeded(1).failed(1));
        assertThat(FailingTests.instancesSeen).as("the failing class really ran functions").isPositive();
        assertThat(runnerProcesses()).isEqualTo(before);
    }

    /** Runner processes started by this JVM: the process runtime's instances. */
    private static long runnerProcesses() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().commandLine().orElse("").contains("faas_runner.py"))
                .count();
    }

    /** Run only through the test kit above; one of its tests fails on purpose. */
    @EnabledIf("launchedByTestKit")
    static class FailingTests {

        static volatile boolean launchedByTestKit;
        static volatile int instancesSeen;

        static boolean launchedByTestKit() {
            return launchedByTestKit;
        }

        @RegisterExtension
        static FaasExtension failing = FaasExtension.builder()
                .function("echo", "def user_function(value):\n    return value\n")
                .prewarm(1)
                .build();

        @Test
        void passes(FaasPlatform platform) {
            assertThat(platform.invoke(failing.id("echo"), Map.of("value", 1), Integer.class)).isEqualTo(1);
            instancesSeen = Math.max(instancesSeen, platform.runningInstances().size());
        }

        @Test
        void fails(FaasPlatform platform) {
            platform.invoke(failing.id("echo"), Map.of("value", List.of(1)), Object.class);
            instancesSeen = Math.max(instancesSeen, platform.runningInstances().size());
            throw new AssertionError("failing on purpose, with instances running");
        }
    }
}
