package dev.faas.python;

import java.io.IOException;

/** A message's prefix announced more bytes than the reader accepts; the stream is out of step afterwards. */
public class FrameTooLargeException extends IOException {

    private final long announcedBytes;
    private final long limitBytes;

    public FrameTooLargeException(long announcedBytes, long limitBytes) {
        super("a message of " + announcedBytes + " bytes is larger than the limit of " + limitBytes + " bytes");
        this.announcedBytes = announcedBytes;
        this.limitBytes = limitBytes;
    }

    public long announcedBytes() {
        return announcedBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }
}
