package dev.faas.python;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.ForgedReplyException;
import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.out.RunOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The client's side of the protocol against canned replies, without Python. */
class RunnerConnectionStreamTest {

    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    @Test
    void givenParams_run_sendsThemVerbatimAndReturnsTheResultAsIs() throws IOException {
        String params = "{ \"b\" : 1.50, \"a\":\"\u00e9\" }";
        RunnerConnection connection = connectionReplying(
                reply("{\"ok\":true,\"call\":1,\"logs\":\"hi\\n\",\"logs_truncated\":true}", "[1.50, \"\u4e2d\"]"));

        RunOutput output = connection.run(params);

        assertThat(output).isEqualTo(new RunOutput("[1.50, \"\u4e2d\"]", "hi\n", true));
        RunnerFrames.Message request = RunnerFrames.read(new ByteArrayInputStream(sent.toByteArray()), 1024);
        assertThat(new String(request.header(), UTF_8)).isEqualTo("{\"op\":\"run\",\"call\":1}");
        assertThat(new String(request.body(), UTF_8)).isEqualTo(params);
    }

    @Test
    void givenCodeAndHandler_init_sendsThemInOneMessage() throws IOException {
        RunnerConnection connection = connectionReplying(reply("{\"ok\":true,\"call\":1,\"logs\":\"\"}", ""));

        connection.init("def main():\n    return 1\n", "main");

        RunnerFrames.Message request = RunnerFrames.read(new ByteArrayInputStream(sent.toByteArray()), 1024);
        assertThat(new String(request.header(), UTF_8)).isEqualTo("{\"op\":\"init\",\"handler\":\"main\",\"call\":1}");
        assertThat(new String(request.body(), UTF_8)).isEqualTo("def main():\n    return 1\n");
    }

    @Test
    void givenHeaderThatIsNotJson_run_throwsInstanceCrashed() throws IOException {
        RunnerConnection connection = connectionReplying(reply("not json", ""));

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOf(InstanceCrashedException.class)
                .hasMessageStartingWith("the runner broke the protocol: ");
    }

    @Test
    void givenUnknownErrorKind_run_throwsInstanceCrashed() throws IOException {
        RunnerConnection connection = connectionReplying(
                reply("{\"ok\":false,\"call\":1,\"error\":{\"kind\":\"weird\"}}", ""));

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOf(InstanceCrashedException.class)
                .hasMessageContaining("unexpected failure reply");
    }

    @Test
    void givenReplyToAnotherCall_run_throwsInstanceCrashed() throws IOException {
        RunnerConnection connection = connectionReplying(reply("{\"ok\":true,\"call\":7}", "1"));

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOf(InstanceCrashedException.class)
                .hasMessageContaining("does not belong to the call");
    }

    @Test
    void givenResultLargerThanTheLimit_run_throwsForgedReply() throws IOException {
        RunnerConnection connection = new RunnerConnection(
                new ByteArrayInputStream(reply("{\"ok\":true}", "x".repeat(100))), sent, () -> { }, 50);

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOf(ForgedReplyException.class)
                .hasMessageContaining("more than the limit of 50 bytes");
    }

    @Test
    void givenStreamThatEndsBeforeTheReply_run_throwsConnectionLost() {
        RunnerConnection connection = connectionReplying(new byte[0]);

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOfSatisfying(RunnerConnectionLostException.class, lost -> {
                    assertThat(lost.getCause()).isInstanceOf(EOFException.class);
                    assertThat(lost.toInstanceCrashed())
                            .hasMessageStartingWith("the instance died during the call: ")
                            .hasCause(lost);
                });
    }

    private RunnerConnection connectionReplying(byte[] replies) {
        return new RunnerConnection(new ByteArrayInputStream(replies), sent, () -> { },
                RunnerConnection.DEFAULT_MAX_RESULT_BYTES, 0);
    }

    private static byte[] reply(String header, String body) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        RunnerFrames.write(output, header.getBytes(UTF_8), body.getBytes(UTF_8));
        return output.toByteArray();
    }
}
