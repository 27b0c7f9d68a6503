package dev.faas.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.ForgedReplyException;
import dev.faas.ports.error.FunctionRaisedException;
import dev.faas.testkit.ReplyForger;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** User code forging its runner's replies, against a real {@code python3} running {@code faas_runner.py}. */
class RunnerForgedReplyTest {

    @TempDir
    Path directory;

    @RegisterExtension
    final StartedRunner.PerTest runners = new StartedRunner.PerTest();

    @ParameterizedTest
    @CsvSource({
        "nonjson, ResultNotSerializable",
        "injected, ResultNotSerializable",
        "trailing, ResultNotSerializable",
        "nan, ResultNotSerializable",
        "oversized, ResultTooLarge",
        "logs, ReplyTooLarge"})
    void givenFunctionForgingAReplyWithTheRightCallNumber_run_throwsForgedReply(String kind, String errorType)
            throws IOException {
        RunnerConnection connection = loaded(ReplyForger.CODE);

        assertThatThrownBy(() -> connection.run("{\"kind\":\"" + kind + "\"}"))
                .isInstanceOfSatisfying(ForgedReplyException.class,
                        forged -> assertThat(forged.errorType()).isEqualTo(errorType));
    }

    @Test
    void givenExceptionWithAHugeMessage_run_getsItCutByTheRunnerAndStaysInStep() throws IOException {
        RunnerConnection connection = loaded("def user_function(n):\n"
                + "    if n:\n        raise ValueError('\\x01' * n)\n    return 'fine'\n");

        assertThatThrownBy(() -> connection.run("{\"n\":3000000}"))
                .isInstanceOfSatisfying(FunctionRaisedException.class, raised -> {
                    assertThat(raised.errorMessage()).hasSizeLessThan(RunnerConnection.MAX_TEXT_CHARS + 100)
                            .endsWith("[truncated: 2934464 more characters not shown]");
                    assertThat(raised.traceback()).hasSizeLessThan(RunnerConnection.MAX_TEXT_CHARS + 100);
                });
        assertThat(connection.run("{\"n\":0}").resultJson()).isEqualTo("\"fine\"");
    }

    private RunnerConnection loaded(String code) throws IOException {
        return runners.loaded(directory, code);
    }
}
