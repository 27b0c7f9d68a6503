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
        return bytes(RESOURCE);
    }

    private static byte[] bytes(String resource) {
        try (InputStream source = RunnerScript.class.getClassLoader().getResourceAsStream(resource)) {
            if (source == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return source.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + resource, e);
        }
    }

    /**
     * Writes the runner as {@value #FILE_NAME} into {@code directory}, replacing any older copy, and returns its
     * path. The file is written aside and moved into place, so a runner starting concurrently never reads half of it.
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    public static Path writeTo(Path directory) {
        return writeTo(directory, RESOURCE, FILE_NAME);
    }

    /**
     * Writes another runtime's runner, the classpath resource {@code resource}, as {@code fileName} into
     * {@code directory}, the same way.
     */
    public static Path writeTo(Path directory, String resource, String fileName) {
        Path target = directory.resolve(fileName);
        try {
            Path partial = Files.createTempFile(directory, "." + fileName, ".partial");
            try {
                Files.write(partial, bytes(resource));
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
