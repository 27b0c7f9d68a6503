package dev.faas.python;

import java.io.IOException;

/** A message's prefix announced more bytes than the reader accepts; the stream is out of step afterwards. */
public class FrameTooLargeException extends IOException {

    private final String part;
    private final long announcedBytes;
    private final long limitBytes;

    public FrameTooLargeException(long announcedBytes, long limitBytes) {
        this("message", announcedBytes, limitBytes);
    }

    /** A {@code part} of a message ({@code header}, {@code body} or the whole {@code message}) was too large. */
    public FrameTooLargeException(String part, long announcedBytes, long limitBytes) {
        super("a " + part + " of " + announcedBytes + " bytes is larger than the limit of " + limitBytes + " bytes");
        this.part = part;
        this.announcedBytes = announcedBytes;
        this.limitBytes = limitBytes;
    }

    /** Which part was too large: {@code header}, {@code body} or {@code message}. */
    public String part() {
        return part;
    }

    public long announcedBytes() {
        return announcedBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }
}
