package dev.faas.python;

import java.nio.file.Path;

/**
 * A directory that holds runner sockets is not safe to use: a symbolic link, not a directory, a shared directory,
 * or owned by another user. The message says what to change; the platform refuses to start until it is fixed.
 */
public class UnsafeDirectoryException extends RuntimeException {

    private final transient Path directory;

    public UnsafeDirectoryException(Path directory, String message) {
        super(message);
        this.directory = directory;
    }

    /** The directory at fault. */
    public Path directory() {
        return directory;
    }
}
