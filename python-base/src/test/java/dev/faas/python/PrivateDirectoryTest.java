package dev.faas.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directories above the runners' sockets: private to the platform's user, or refused. */
class PrivateDirectoryTest {

    @TempDir
    Path parent;

    @Test
    void givenMissingDirectory_ensure_createsItPrivate() throws IOException {
        Path root = parent.resolve("a/b/sockets");

        PrivateDirectory.ensure(root, "the socket root");

        assertThat(permissions(root)).isEqualTo("rwx------");
    }

    @Test
    void givenExistingDirectoryOpenToOthers_ensure_makesItPrivate() throws IOException {
        Path root = Files.createDirectory(parent.resolve("sockets"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));

        PrivateDirectory.ensure(root, "the socket root");

        assertThat(permissions(root)).isEqualTo("rwx------");
    }

    @Test
    void givenDirectoryOfAnotherUser_ensure_refusesNamingTheFix() throws IOException {
        Assumptions.assumeTrue(PrivateDirectory.currentUid() == 0, "giving a directory away needs root");
        Path root = Files.createDirectory(parent.resolve("sockets"));
        Files.setAttribute(root, "unix:uid", 12345);

        assertThatThrownBy(() -> PrivateDirectory.ensure(root, "the socket root"))
                .isInstanceOf(UnsafeDirectoryException.class)
                .hasMessageContaining("belongs to uid 12345")
                .hasMessageContaining("chown " + PrivateDirectory.currentUid());
        assertThat(Files.getAttribute(root, "unix:uid")).isEqualTo(12345);
    }

    @Test
    void givenSymbolicLink_ensure_refuses() throws IOException {
        Path real = Files.createDirectory(parent.resolve("real"));
        Path link = Files.createSymbolicLink(parent.resolve("sockets"), real);

        assertThatThrownBy(() -> PrivateDirectory.ensure(link, "the socket root"))
                .isInstanceOf(UnsafeDirectoryException.class)
                .hasMessageContaining("is a symbolic link");
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    @Test
    void givenRegularFile_ensure_refuses() throws IOException {
        Path file = Files.writeString(parent.resolve("sockets"), "not a directory");

        assertThatThrownBy(() -> PrivateDirectory.ensure(file, "the socket root"))
                .isInstanceOf(UnsafeDirectoryException.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void givenSharedStickyDirectory_ensure_refusesAndLeavesItAlone() throws Exception {
        Path shared = Files.createDirectory(parent.resolve("shared"));
        assertThat(new ProcessBuilder("chmod", "1777", shared.toString()).start().waitFor()).isZero();

        assertThatThrownBy(() -> PrivateDirectory.ensure(shared, "the work directory"))
                .isInstanceOf(UnsafeDirectoryException.class)
                .hasMessageContaining("sticky bit");
        assertThat(permissions(shared)).isEqualTo("rwxrwxrwx");
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
