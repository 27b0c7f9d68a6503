package dev.faas.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.faas.platform.FaasPlatform;
import dev.faas.ports.model.StartKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

/** What the harness has ready before the first test, and what it says when it cannot start. */
class FaasExtensionStartTest {

    @RegisterExtension
    static FaasExtension faas = FaasExtension.builder()
            .function("hello", "def user_function():\n    return 'hi'\n")
            .build();

    @Test
    void theFirstCallOfATest_findsAWarmInstance(FaasPlatform platform) {
        assertThat(platform.invoke(faas.id("hello"), "{}").startKind()).isEqualTo(StartKind.WARM);
    }

    @Test
    void aNonStaticField_failsEachTest_sayingTheFieldMustBeStatic() {
        InstanceField.launchedByTestKit = true;
        try {
            EngineTestKit.engine("junit-jupiter").selectors(selectClass(InstanceField.class)).execute().testEvents()
                    .assertStatistics(stats -> stats.started(1).failed(1))
                    .assertThatEvents().haveExactly(1, event(test("usesTheFunction"),
                            finishedWithFailure(message(text -> text.contains("@RegisterExtension field static")))));
        } finally {
            InstanceField.launchedByTestKit = false;
        }
    }

    /** Run only through the test kit above: its extension field is (wrongly) not static. */
    @EnabledIf("launchedByTestKit")
    static class InstanceField {

        static volatile boolean launchedByTestKit;

        static boolean launchedByTestKit() {
            return launchedByTestKit;
        }

        @RegisterExtension
        FaasExtension notStatic = FaasExtension.builder()
                .function("f", "def user_function():\n    return 1\n")
                .build();

        @Test
        void usesTheFunction() {
            notStatic.id("f");
        }
    }
}
