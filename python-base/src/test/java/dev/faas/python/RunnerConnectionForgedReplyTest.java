package dev.faas.python;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.ForgedReplyException;
import dev.faas.ports.error.FunctionRaisedException;
import dev.faas.ports.out.RunOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replies that user code, sharing the runner's process, could write on its socket with the right call number: the
 * connection must refuse each before it reaches a caller, and must never allocate what a forged prefix announces.
 */
class RunnerConnectionForgedReplyTest {

    private static final String OK = "{\"ok\":true,\"call\":1,\"logs\":\"\",\"logs_truncated\":false}";

    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final AtomicBoolean closed = new AtomicBoolean();

    @ParameterizedTest
    @ValueSource(strings = {
        "hello",                      // not JSON at all
        "1} , \"injected\": {\"x\":1", // spliced into {"result":...}, it would add members
        "1 2",                        // two values
        "{\"a\":1}x",                 // trailing data
        "[1]]",                       // an extra close
        "{\"a\":1",                   // unfinished
        "NaN", "Infinity", "-Infinity", "[1,NaN]",
        "'single'", "01", "1.", "\ufeff1", "\u00001",
        "   "})
    void givenResultThatIsNotOneStrictJsonValue_run_throwsForgedReplyAndClosesTheConnection(String result)
            throws IOException {
        RunnerConnection connection = connectionReplying(reply(OK, result), 1024);

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOfSatisfying(ForgedReplyException.class,
                        forged -> assertThat(forged.errorType()).isEqualTo("ResultNotSerializable"))
                .hasMessageContaining("not one JSON value");
        assertThat(closed).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "null", "true", "0", "-1.5e-300", "\"\\ud800 lone surrogate escape is still JSON\"",
        " {\"a\": [1, 2.5E3, \"\u00e9\u4e2d\ud83d\ude00\"]}\n", "{\"1\":1,\"1\":2}"})
    void givenResultTheRunnerMayWrite_run_returnsItVerbatim(String result) throws IOException {
        RunnerConnection connection = connectionReplying(reply(OK, result), 1024);

        assertThat(connection.run("{}").resultJson()).isEqualTo(result);
        assertThat(closed).isFalse();
    }

    @Test
    void givenDeepAndLongResultsPythonCanWrite_run_acceptsThem() throws IOException {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        String longNumber = "9".repeat(50_000);
        RunnerConnection connection = connectionReplying(concat(reply(OK, deep),
                reply(OK.replace("\"call\":1", "\"call\":2"), longNumber)), 1024 * 1024);

        assertThat(connection.run("{}").resultJson()).isEqualTo(deep);
        assertThat(connection.run("{}").resultJson()).isEqualTo(longNumber);
    }

    @Test
    void givenResultOverTheLimit_run_throwsForgedReplyWithoutReadingIt() throws IOException {
        CountingInputStream input = new CountingInputStream(new ByteArrayInputStream(reply(OK, "1".repeat(101))));
        RunnerConnection connection = new RunnerConnection(input, sent, () -> closed.set(true), 100, 0);

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOfSatisfying(ForgedReplyException.class,
                        forged -> assertThat(forged.errorType()).isEqualTo("ResultTooLarge"))
                .hasMessageContaining("the result is 101 bytes, more than the limit of 100 bytes");
        assertThat(closed).isTrue();
    }

    @Test
    void givenResultAtTheLimit_run_returnsIt() throws IOException {
        RunnerConnection connection = connectionReplying(reply(OK, "1".repeat(100)), 100);

        assertThat(connection.run("{}").resultJson()).hasSize(100);
    }

    @Test
    void givenPrefixDeclaringA2GiBHeader_run_throwsForgedReplyWithoutAllocatingOrReadingIt() {
        byte[] prefix = {(byte) 0x80, 0, 0, 0, 0, 0, 0, 1};
        CountingInputStream input = new CountingInputStream(concat(prefix, new EndlessInputStream()));
        RunnerConnection connection = new RunnerConnection(input, sent, () -> closed.set(true), 1024, 0);

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOfSatisfying(ForgedReplyException.class,
                        forged -> assertThat(forged.errorType()).isEqualTo("ReplyTooLarge"))
                .hasMessageContaining("a header of 2147483648 bytes, more than the limit of "
                        + RunnerConnection.MAX_HEADER_BYTES + " bytes");
        assertThat(input.count).isLessThanOrEqualTo(64 * 1024 + 8);
        assertThat(closed).isTrue();
    }

    @Test
    void givenReplyWith16MiBOfLogs_run_throwsForgedReplyReadingAtMostABuffer() {
        int logBytes = 16 * 1024 * 1024;
        byte[] prefix = {(byte) ((logBytes + 64) >>> 24), (byte) ((logBytes + 64) >>> 16), 0, 64, 0, 0, 0, 1};
        InputStream header = new SequenceInputStream(
                new ByteArrayInputStream("{\"ok\":true,\"call\":1,\"logs\":\"".getBytes(UTF_8)),
                new EndlessInputStream());
        CountingInputStream input = new CountingInputStream(concat(prefix, header));
        RunnerConnection connection = new RunnerConnection(input, sent, () -> closed.set(true), 1024, 0);

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOf(ForgedReplyException.class)
                .hasMessageContaining("more than the limit of " + RunnerConnection.MAX_HEADER_BYTES + " bytes");
        assertThat(input.count).isLessThanOrEqualTo(64 * 1024 + 8);
    }

    @Test
    void givenLogsOver64KiBUnderTheHeaderLimit_run_cutsThemWithANotice() throws IOException {
        String logs = "x".repeat(1024 * 1024);
        RunnerConnection connection = connectionReplying(
                reply("{\"ok\":true,\"call\":1,\"logs\":\"" + logs + "\",\"logs_truncated\":false}", "1"), 1024);

        RunOutput output = connection.run("{}");

        assertThat(output.logs()).startsWith("x".repeat(RunnerConnection.MAX_TEXT_CHARS))
                .endsWith("\n[truncated by the platform: " + (logs.length() - RunnerConnection.MAX_TEXT_CHARS)
                        + " more characters not shown]\n")
                .hasSizeLessThan(RunnerConnection.MAX_TEXT_CHARS + 100);
        assertThat(output.logsTruncated()).isTrue();
        assertThat(output.resultJson()).isEqualTo("1");
    }

    @Test
    void givenRunnerSizedLogsWithItsOwnNotice_run_keepsThemWhole() throws IOException {
        String logs = "y".repeat(RunnerConnection.MAX_TEXT_CHARS) + "\n[output truncated: 123456789 more bytes not shown]\n";
        RunnerConnection connection = connectionReplying(reply("{\"ok\":true,\"call\":1,\"logs\":\""
                + logs.replace("\n", "\\n") + "\",\"logs_truncated\":true}", "1"), 1024);

        assertThat(connection.run("{}").logs()).isEqualTo(logs);
    }

    @Test
    void givenFailureWithHugeMessageAndTraceback_run_cutsEachTo64KiB() throws IOException {
        String big = "m".repeat(300_000);
        RunnerConnection connection = connectionReplying(reply("{\"ok\":false,\"call\":1,\"error\":{\"kind\":\"raised\","
                + "\"type\":\"" + big + "\",\"message\":\"" + big + "\",\"traceback\":\"" + big + "\"},\"logs\":\""
                + big + "\"}", ""), 1024);

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOfSatisfying(FunctionRaisedException.class, raised -> {
                    assertThat(raised.errorType()).hasSizeLessThan(RunnerConnection.MAX_TEXT_CHARS + 100);
                    assertThat(raised.errorMessage()).hasSizeLessThan(RunnerConnection.MAX_TEXT_CHARS + 100);
                    assertThat(raised.traceback()).hasSizeLessThan(RunnerConnection.MAX_TEXT_CHARS + 100)
                            .contains("[truncated by the platform: ");
                    assertThat(raised.logs()).hasSizeLessThan(RunnerConnection.MAX_TEXT_CHARS + 100);
                });
        assertThat(closed).isFalse();
    }

    @Test
    void givenCutInsideASurrogatePair_bounded_keepsThePairWhole() {
        String text = "a".repeat(RunnerConnection.MAX_TEXT_CHARS - 1) + "\ud83d\ude00".repeat(1000);

        String bounded = RunnerConnection.bounded(text);

        assertThat(bounded).startsWith("a".repeat(RunnerConnection.MAX_TEXT_CHARS - 1) + "\n[truncated");
    }

    private RunnerConnection connectionReplying(byte[] replies, int maxResultBytes) {
        return new RunnerConnection(new ByteArrayInputStream(replies), sent, () -> closed.set(true),
                maxResultBytes, 0);
    }

    private static byte[] reply(String header, String body) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        RunnerFrames.write(output, header.getBytes(UTF_8), body.getBytes(UTF_8));
        return output.toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static InputStream concat(byte[] first, InputStream rest) {
        return new SequenceInputStream(new ByteArrayInputStream(first), rest);
    }

    /** Never ends: 'x' for ever, as a forged reply announcing gigabytes might send. */
    private static final class EndlessInputStream extends InputStream {

        @Override
        public int read() {
            return 'x';
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            java.util.Arrays.fill(buffer, offset, offset + length, (byte) 'x');
            return length;
        }
    }

    private static final class CountingInputStream extends InputStream {

        private final InputStream source;
        long count;

        CountingInputStream(InputStream source) {
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            int read = source.read();
            if (read >= 0) {
                count++;
            }
            return read;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = source.read(buffer, offset, length);
            if (read > 0) {
                count += read;
            }
            return read;
        }
    }
}
