package dev.faas.python;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a directory under which the runtimes keep their runners' sockets (the Docker runtime's socket root, the
 * process runtime's work directory) is private to the platform's user: created {@code rwx------} if missing, its
 * permissions narrowed to that (with a log line) if it exists and is the platform's, and refused with an
 * {@link UnsafeDirectoryException} if it is a symbolic link, not a directory, shared (sticky bit, like /tmp) or
 * owned by another user. Other local users then cannot reach any socket below it.
 */
public final class PrivateDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(PrivateDirectory.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final int STICKY_BIT = 01000;

    private PrivateDirectory() {
    }

    /**
     * Creates or checks {@code directory}; {@code role} names it in messages (such as "the socket root
     * (FAAS_SOCKET_DIR)").
     *
     * @return {@code directory}
     * @throws UnsafeDirectoryException if it exists but cannot be made private to the platform's user
     * @throws UncheckedIOException if it cannot be created or inspected
     */
    public static Path ensure(Path directory, String role) {
        int platformUid = currentUid();
        try {
            if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                create(directory);
            }
            if (Files.isSymbolicLink(directory)) {
                throw new UnsafeDirectoryException(directory, role + " " + directory + " is a symbolic link to "
                        + Files.readSymbolicLink(directory) + ": another user who can change the link could "
                        + "redirect the runners' sockets; configure the real directory's path instead");
            }
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                throw new UnsafeDirectoryException(directory, role + " " + directory + " is not a directory; remove "
                        + "it or configure another path");
            }
            int owner = (Integer) Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (owner != platformUid) {
                throw new UnsafeDirectoryException(directory, role + " " + directory + " belongs to uid " + owner
                        + ", not to uid " + platformUid + " that the platform runs as, so that user could reach "
                        + "the runners' sockets; 'chown " + platformUid + " " + directory + "' (and chmod 700), "
                        + "remove it so the platform creates it, or configure another path");
            }
            int mode = (Integer) Files.getAttribute(directory, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & STICKY_BIT) != 0) {
                throw new UnsafeDirectoryException(directory, role + " " + directory + " is a shared directory "
                        + "(sticky bit, like /tmp); give the platform a directory of its own");
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory,
                    LinkOption.NOFOLLOW_LINKS);
            if (!permissions.equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(directory, OWNER_ONLY);
                LOG.warn("{} {} was {}; made it rwx------ so that no other local user can reach the runners' "
                        + "sockets", role, directory, PosixFilePermissions.toString(permissions));
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + role + " " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The user id this JVM runs as. */
    public static int currentUid() {
        return Math.toIntExact(new UnixSystem().getUid());
    }

    private static void create(Path directory) throws IOException {
        Path parent = directory.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException raced) {
            // Created meanwhile (by another runtime of this platform, or someone else): the checks decide.
        }
    }

    /** Deletes {@code directory} and everything below it, if it exists; logs what it cannot delete, never throws. */
    public static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete {}: {}", directory, e.getMessage());
        }
    }
}
