package dev.faas.adapter.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a runner's stdout and stderr (what bypasses the runner's per-call capture: its own messages, writes to the
 * file descriptors, the output of processes the function started) into its {@code runner.log}, which never grows
 * past a limit: when the next chunk would not fit, the file starts again with a line saying how much earlier output
 * was dropped, so it always ends with the latest output. One daemon thread per runner, ending with its output.
 */
final class RunnerLog {

    private static final Logger LOG = LoggerFactory.getLogger(RunnerLog.class);
    private static final int CHUNK_BYTES = 8192;
    // The notice and a chunk must fit, with room for output worth reading.
    private static final long MIN_LIMIT_BYTES = 4 * CHUNK_BYTES;

    private final Thread copier;

    private RunnerLog(Thread copier) {
        this.copier = copier;
    }

    /** Starts copying {@code output} into {@code file}, keeping it at most {@code limitBytes}. */
    static RunnerLog start(InputStream output, Path file, long limitBytes, String threadName) throws IOException {
        if (limitBytes < MIN_LIMIT_BYTES) {
            throw new IllegalArgumentException("the log limit must be at least " + MIN_LIMIT_BYTES + " bytes, not "
                    + limitBytes);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        Thread copier = new Thread(() -> copy(output, channel, limitBytes, file), threadName);
        copier.setDaemon(true);
        copier.start();
        return new RunnerLog(copier);
    }

    /** Waits up to {@code timeout} for the output to end and be written; true if it did. */
    boolean awaitEnd(Duration timeout) {
        try {
            copier.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !copier.isAlive();
    }

    private static void copy(InputStream output, FileChannel channel, long limitBytes, Path file) {
        byte[] chunk = new byte[CHUNK_BYTES];
        long dropped = 0;
        long kept = 0;
        try (output; channel) {
            int count;
            while ((count = output.read(chunk)) >= 0) {
                if (channel.position() + count > limitBytes) {
                    dropped += kept;
                    kept = 0;
                    channel.truncate(0);
                    channel.position(0);
                    write(channel, ("[runner.log restarted at its limit of " + limitBytes + " bytes: " + dropped
                            + " earlier bytes dropped]\n").getBytes(StandardCharsets.UTF_8), -1);
                }
                write(channel, chunk, count);
                kept += count;
            }
        } catch (IOException e) {
            // The runner ended (the pipe closed under the read) or the directory went away: nothing left to keep.
            LOG.debug("stopped copying the runner's output to {}: {}", file, e.toString());
        }
    }

    private static void write(FileChannel channel, byte[] bytes, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, count < 0 ? bytes.length : count);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
