package dev.faas.python;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RunnerFramesTest {

    @Test
    void givenHeaderAndBody_writeThenRead_returnsBothUnchanged() throws IOException {
        byte[] header = "{\"op\":\"run\"}".getBytes(UTF_8);
        byte[] body = new byte[] {0, (byte) 0xFF, 10, 13, 'x'};

        RunnerFrames.Message message = RunnerFrames.read(new ByteArrayInputStream(frame(header, body)), 1024);

        assertThat(message.header()).isEqualTo(header);
        assertThat(message.body()).isEqualTo(body);
    }

    @Test
    void givenAMessage_write_prefixesBigEndianLengths() throws IOException {
        byte[] written = frame(new byte[258], new byte[3]);

        assertThat(Arrays.copyOf(written, RunnerFrames.PREFIX_BYTES)).containsExactly(0, 0, 1, 2, 0, 0, 0, 3);
        assertThat(written).hasSize(RunnerFrames.PREFIX_BYTES + 258 + 3);
    }

    @Test
    void givenEmptyHeaderAndBody_writeThenRead_roundTrips() throws IOException {
        RunnerFrames.Message message = RunnerFrames.read(
                new ByteArrayInputStream(frame(new byte[0], new byte[0])), 0);

        assertThat(message.header()).isEmpty();
        assertThat(message.body()).isEmpty();
    }

    @Test
    void givenTwoMessagesInOneStream_read_returnsThemInTurn() throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        RunnerFrames.write(output, "{}".getBytes(UTF_8), "first".getBytes(UTF_8));
        RunnerFrames.write(output, "[]".getBytes(UTF_8), "second".getBytes(UTF_8));
        ByteArrayInputStream input = new ByteArrayInputStream(output.toByteArray());

        assertThat(new String(RunnerFrames.read(input, 100).body(), UTF_8)).isEqualTo("first");
        assertThat(new String(RunnerFrames.read(input, 100).body(), UTF_8)).isEqualTo("second");
    }

    @Test
    void givenEmptyStream_read_throwsEof() {
        assertThatThrownBy(() -> RunnerFrames.read(new ByteArrayInputStream(new byte[0]), 100))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("before a message started");
    }

    @Test
    void givenTruncatedPrefix_read_throwsEof() {
        assertThatThrownBy(() -> RunnerFrames.read(new ByteArrayInputStream(new byte[] {0, 0, 0}), 100))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("prefix, after 3 of 8 bytes");
    }

    @Test
    void givenTruncatedBody_read_throwsEof() throws IOException {
        byte[] whole = frame("{}".getBytes(UTF_8), "0123456789".getBytes(UTF_8));
        byte[] truncated = Arrays.copyOf(whole, whole.length - 4);

        assertThatThrownBy(() -> RunnerFrames.read(new ByteArrayInputStream(truncated), 100))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("body, after 6 of 10 bytes");
    }

    @Test
    void givenMessageLargerThanTheLimit_read_throwsFrameTooLargeWithoutReadingIt() {
        byte[] prefixOnly = {0, 0, 0, 10, 0, 0, 0, 20};

        assertThatThrownBy(() -> RunnerFrames.read(new ByteArrayInputStream(prefixOnly), 29))
                .isInstanceOfSatisfying(FrameTooLargeException.class, e -> {
                    assertThat(e.announcedBytes()).isEqualTo(30);
                    assertThat(e.limitBytes()).isEqualTo(29);
                });
    }

    @Test
    void givenLengthsWithTheHighBitSet_read_treatsThemAsUnsignedAndRejectsThem() {
        byte[] prefixOnly = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 1};

        assertThatThrownBy(() -> RunnerFrames.read(new ByteArrayInputStream(prefixOnly), Integer.MAX_VALUE))
                .isInstanceOfSatisfying(FrameTooLargeException.class,
                        e -> assertThat(e.announcedBytes()).isEqualTo(0xFFFF_FFFFL + 1));
    }

    @Test
    void givenHeaderOverItsLimit_read_throwsFrameTooLargeAfterThePrefixOnly() throws IOException {
        ByteArrayInputStream input = new ByteArrayInputStream(frame(new byte[11], new byte[1]));

        assertThatThrownBy(() -> RunnerFrames.read(input, 10, 100))
                .isInstanceOfSatisfying(FrameTooLargeException.class, tooLarge -> {
                    assertThat(tooLarge.part()).isEqualTo("header");
                    assertThat(tooLarge.announcedBytes()).isEqualTo(11);
                    assertThat(tooLarge.limitBytes()).isEqualTo(10);
                });
        assertThat(input.available()).isEqualTo(12);
    }

    @Test
    void givenBodyOverItsLimit_read_throwsFrameTooLarge() throws IOException {
        ByteArrayInputStream input = new ByteArrayInputStream(frame(new byte[1], new byte[101]));

        assertThatThrownBy(() -> RunnerFrames.read(input, 10, 100))
                .isInstanceOfSatisfying(FrameTooLargeException.class,
                        tooLarge -> assertThat(tooLarge.part()).isEqualTo("body"));
    }

    @Test
    void givenHeaderAndBodyAtTheirLimits_read_returnsThem() throws IOException {
        RunnerFrames.Message message = RunnerFrames.read(
                new ByteArrayInputStream(frame(new byte[10], new byte[100])), 10, 100);

        assertThat(message.header()).hasSize(10);
        assertThat(message.body()).hasSize(100);
    }

    private static byte[] frame(byte[] header, byte[] body) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        RunnerFrames.write(output, header, body);
        return output.toByteArray();
    }
}
