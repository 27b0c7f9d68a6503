package dev.faas.python;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** The Python runner's source, shipped in this jar as the classpath resource {@value #RESOURCE}. */
public final class RunnerScript {

    /** The runner's file name, wherever it is written. */
    public static final String FILE_NAME = "faas_runner.py";

    /** Where the runner sits on the classpath. */
    public static final String RESOURCE = "dev/faas/python/" + FILE_NAME;

    private RunnerScript() {
    }

    /** The runner's source code, read afresh from the classpath. */
    public static byte[] bytes() {
        try (InputStream source = RunnerScript.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (source == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return source.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + RESOURCE, e);
        }
    }

    /**
     * Writes the runner as {@value #FILE_NAME} into {@code directory}, replacing any older copy, and returns its
     * path. The file is written aside and moved into place, so a runner starting concurrently never reads half of it.
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    public static Path writeTo(Path directory) {
        Path target = directory.resolve(FILE_NAME);
        try {
            Path partial = Files.createTempFile(directory, "." + FILE_NAME, ".partial");
            try {
                Files.write(partial, bytes());
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    // A temporary file is private to its owner; the runner may run as another user.
                    Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-r--r--"));
                }
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the runner to " + target, e);
        }
    }
}
