package dev.faas.adapter.docker;

import dev.faas.python.PrivateDirectory;
import dev.faas.python.UnsafeDirectoryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host directories in which the platform listens for its containers' runners: one per instance, named by the
 * instance id, under a socket root kept private to the platform's user ({@code rwx------}). An instance directory
 * lets the container's user search it and nothing else, and its socket lets that user connect and nothing else; the
 * root keeps everyone else out. Thread-safe.
 */
final class SocketDirectories {

    /** connect() needs write permission on the socket, nothing more; the root keeps other users out. */
    static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw--w--w-");
    private static final Logger LOG = LoggerFactory.getLogger(SocketDirectories.class);
    // The container's user only needs to reach the socket: search, but no listing or writing, in its directory.
    private static final Set<PosixFilePermission> INSTANCE_DIRECTORY_MODE = PosixFilePermissions.fromString(
            "rwx--x--x");

    private final Path root;
    private final Pattern thisNodesIds;

    /**
     * Creates {@code root} private to this user, or makes an existing one so.
     *
     * @throws UnsafeDirectoryException if the root is a symbolic link, not a directory, shared, or owned by another
     *     user: the message says what to fix
     * @throws UncheckedIOException if it cannot be created
     */
    SocketDirectories(Path root, String nodeId) {
        // Instance directories below must be reachable by the container's user, so their parent keeps everyone
        // else out, whoever created it.
        this.root = PrivateDirectory.ensure(root, "the socket root (FAAS_SOCKET_DIR)");
        // Exactly this node's instance ids: node "a" must not take node "a-1"'s directories.
        this.thisNodesIds = Pattern.compile(Pattern.quote(nodeId) + "-[0-9]+-[0-9a-f]{6}");
    }

    /** Creates instance {@code instanceId}'s directory, with its mode set whatever the umask. */
    Path create(String instanceId) throws IOException {
        Path directory = root.resolve(instanceId);
        Files.createDirectory(directory);
        try {
            Files.setPosixFilePermissions(directory, INSTANCE_DIRECTORY_MODE);
        } catch (IOException e) {
            PrivateDirectory.deleteRecursively(directory);
            throw e;
        }
        return directory;
    }

    /**
     * Deletes this node's instance directories that {@code inUse} does not claim, left by a runtime that ended
     * without stopping its instances; those of other nodes are never touched.
     *
     * @return how many were deleted
     */
    int sweep(Predicate<String> inUse) {
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root,
                entry -> thisNodesIds.matcher(entry.getFileName().toString()).matches()
                        && Files.isDirectory(entry))) {
            for (Path entry : entries) {
                if (!inUse.test(entry.getFileName().toString())) {
                    PrivateDirectory.deleteRecursively(entry);
                    deleted++;
                }
            }
        } catch (IOException e) {
            LOG.warn("could not sweep socket directories under {}: {}", root, e.toString());
        }
        return deleted;
    }
}
