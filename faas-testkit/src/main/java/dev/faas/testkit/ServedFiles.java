package dev.faas.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Writes the files of a package repository that a test generates for a static HTTP server, readable by any user (the
 * server, or the image build reading them, may run as another user): shared by {@link TestPackageIndex} and
 * {@link TestNpmRegistry}.
 */
final class ServedFiles {

    private ServedFiles() {
    }

    /** Creates each directory (and its parents), world-readable and searchable. */
    static void createDirectories(Path... directories) {
        try {
            for (Path directory : directories) {
                Files.createDirectories(directory);
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code content} to {@code path}, world-readable. */
    static void write(Path path, byte[] content) {
        try {
            Files.write(path, content);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code algorithm} digest of {@code bytes}, for the checksums the package managers verify. */
    static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is in every Java runtime", e);
        }
    }
}
