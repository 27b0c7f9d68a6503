package dev.faas.python;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads and writes the runner protocol's messages: two big-endian unsigned 32-bit lengths (header, body), then the
 * header's UTF-8 JSON bytes, then the body's raw bytes. Stateless; the streams' owner serialises access to them.
 */
public final class RunnerFrames {

    /** Bytes in the length prefix of every message. */
    public static final int PREFIX_BYTES = 8;

    /** One message as it travels: the header's JSON bytes and the raw body. */
    public record Message(byte[] header, byte[] body) {
    }

    private RunnerFrames() {
    }

    /** Writes one message and flushes once, so that a buffered stream sends it in as few writes as possible. */
    public static void write(OutputStream output, byte[] header, byte[] body) throws IOException {
        byte[] prefix = new byte[PREFIX_BYTES];
        putInt(prefix, 0, header.length);
        putInt(prefix, 4, body.length);
        output.write(prefix);
        output.write(header);
        output.write(body);
        output.flush();
    }

    /**
     * Reads one message of at most {@code maxBytes} (header and body together).
     *
     * @throws EOFException if the stream ends before the message is complete, or before it starts
     * @throws FrameTooLargeException if the prefix announces more than {@code maxBytes}; nothing more is read
     */
    public static Message read(InputStream input, int maxBytes) throws IOException {
        return read(input, Long.MAX_VALUE, Long.MAX_VALUE, maxBytes);
    }

    /**
     * Reads one message whose header is at most {@code maxHeaderBytes} and whose body is at most
     * {@code maxBodyBytes}. The lengths are checked before anything is allocated, so a peer announcing 4 GiB costs
     * nothing.
     *
     * @throws EOFException if the stream ends before the message is complete, or before it starts
     * @throws FrameTooLargeException if the prefix announces more than a limit; nothing more is read
     */
    public static Message read(InputStream input, int maxHeaderBytes, int maxBodyBytes) throws IOException {
        return read(input, maxHeaderBytes, maxBodyBytes, (long) maxHeaderBytes + maxBodyBytes);
    }

    private static Message read(InputStream input, long maxHeaderBytes, long maxBodyBytes, long maxBytes)
            throws IOException {
        byte[] prefix = new byte[PREFIX_BYTES];
        int prefixRead = input.readNBytes(prefix, 0, PREFIX_BYTES);
        if (prefixRead == 0) {
            throw new EOFException("the connection closed before a message started");
        }
        if (prefixRead < PREFIX_BYTES) {
            throw new EOFException("the connection closed within a message's prefix, after "
                    + prefixRead + " of " + PREFIX_BYTES + " bytes");
        }
        long headerLength = getUnsignedInt(prefix, 0);
        long bodyLength = getUnsignedInt(prefix, 4);
        if (headerLength > maxHeaderBytes) {
            throw new FrameTooLargeException("header", headerLength, maxHeaderBytes);
        }
        if (bodyLength > maxBodyBytes) {
            throw new FrameTooLargeException("body", bodyLength, maxBodyBytes);
        }
        if (headerLength + bodyLength > maxBytes) {
            throw new FrameTooLargeException(headerLength + bodyLength, maxBytes);
        }
        byte[] header = readFully(input, (int) headerLength, "header");
        byte[] body = readFully(input, (int) bodyLength, "body");
        return new Message(header, body);
    }

    private static byte[] readFully(InputStream input, int length, String part) throws IOException {
        byte[] bytes = new byte[length];
        int read = input.readNBytes(bytes, 0, length);
        if (read < length) {
            throw new EOFException("the connection closed within a message's " + part + ", after "
                    + read + " of " + length + " bytes");
        }
        return bytes;
    }

    private static void putInt(byte[] target, int offset, int value) {
        target[offset] = (byte) (value >>> 24);
        target[offset + 1] = (byte) (value >>> 16);
        target[offset + 2] = (byte) (value >>> 8);
        target[offset + 3] = (byte) value;
    }

    private static long getUnsignedInt(byte[] source, int offset) {
        return ((source[offset] & 0xFFL) << 24) | ((source[offset + 1] & 0xFFL) << 16)
                | ((source[offset + 2] & 0xFFL) << 8) | (source[offset + 3] & 0xFFL);
    }
}
