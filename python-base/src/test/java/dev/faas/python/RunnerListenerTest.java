package dev.faas.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.UnableToStartInstanceException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The platform's listening end: one connection, from the runner's user only, answered within the deadline. */
class RunnerListenerTest {

    // Another local user: the system's python3, which that user can execute (a pyenv under /root it could not).
    private static final String SYSTEM_PYTHON = "/usr/bin/python3";
    private static final int IMPOSTOR_UID = 12345;

    @TempDir
    Path directory;

    private final List<AutoCloseable> cleanups = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable cleanup : cleanups) {
            cleanup.close();
        }
    }

    @Test
    void givenRunner_accept_returnsAConnectionThatAnswered_andRemovesTheSocket() throws Exception {
        StartedRunner runner = StartedRunner.start(directory);
        cleanups.add(runner);

        RunnerConnection connection = runner.connect();
        cleanups.add(connection);

        assertThat(runner.socket).doesNotExist();
        assertThat(connection.ping()).isEqualTo(runner.process.pid());
    }

    @Test
    void givenImpostorOfAnotherUser_accept_closesItUnread_andTakesTheRealRunner() throws Exception {
        Assumptions.assumeTrue(PrivateDirectory.currentUid() == 0, "acting as another user needs root");
        // Open the directory and the socket to everyone, so that only the peer check stands in the impostor's way.
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        RunnerListener listener = RunnerListener.bind(directory.resolve("platform.sock"),
                PosixFilePermissions.fromString("rw-rw-rw-"), PrivateDirectory.currentUid());
        cleanups.add(listener);
        CompletableFuture<RunnerConnection> accepted = CompletableFuture.supplyAsync(
                () -> listener.accept(Duration.ofSeconds(20), new CompletableFuture<>()));

        // The impostor connects first and waits for the platform to talk: it must see the connection closed.
        Process impostor = new ProcessBuilder("setpriv", "--reuid", Integer.toString(IMPOSTOR_UID), "--regid",
                Integer.toString(IMPOSTOR_UID), "--clear-groups", SYSTEM_PYTHON, "-c", """
                        import os, socket, sys
                        print("uid", os.getuid())
                        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                        s.settimeout(10)
                        s.connect(sys.argv[1])
                        data = s.recv(65536)
                        print("received %d bytes" % len(data))
                        """, listener.socketPath().toString()).redirectErrorStream(true).start();
        assertThat(impostor.waitFor(15, TimeUnit.SECONDS)).as("the impostor ends").isTrue();
        String impostorOutput = new String(impostor.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(impostorOutput).contains("uid " + IMPOSTOR_UID).contains("received 0 bytes");
        assertThat(accepted).isNotDone();

        Process runner = new ProcessBuilder("python3", RunnerScript.writeTo(directory).toString(), "--connect",
                listener.socketPath().toString()).redirectErrorStream(true).start();
        cleanups.add(runner::destroyForcibly);
        RunnerConnection connection = accepted.get(20, TimeUnit.SECONDS);
        cleanups.add(connection);

        assertThat(connection.ping()).isEqualTo(runner.pid());
    }

    @Test
    void givenRunnerThatConnectsButNeverAnswers_accept_failsWithinTheDeadline() throws Exception {
        RunnerListener listener = RunnerListener.bind(directory.resolve("platform.sock"),
                PosixFilePermissions.fromString("rw-------"), PrivateDirectory.currentUid());
        cleanups.add(listener);
        SocketChannel mute = SocketChannel.open(StandardProtocolFamily.UNIX);
        cleanups.add(mute);
        mute.connect(UnixDomainSocketAddress.of(listener.socketPath()));
        Duration deadline = Duration.ofMillis(800);

        long start = System.nanoTime();
        assertThatThrownBy(() -> listener.accept(deadline, new CompletableFuture<>()))
                .isInstanceOf(UnableToStartInstanceException.class)
                .hasMessageContaining("did not answer its first ping within 800 ms");
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        // The deadline holds: not given up before it, and given up within a generous liveness bound.
        assertThat(elapsedMillis).as("failed after %d ms", elapsedMillis).isBetween(700L, 800L + 1000L);
        assertThat(listener.socketPath()).doesNotExist();
    }

    @Test
    void givenNobodyConnects_accept_failsAfterTheTimeout_andRemovesTheSocket() throws IOException {
        RunnerListener listener = RunnerListener.bind(directory.resolve("platform.sock"),
                PosixFilePermissions.fromString("rw-------"), PrivateDirectory.currentUid());
        cleanups.add(listener);

        assertThatThrownBy(() -> listener.accept(Duration.ofMillis(50), new CompletableFuture<>()))
                .isInstanceOf(UnableToStartInstanceException.class)
                .hasMessageContaining("did not connect")
                .hasMessageContaining("within 50 ms");
        assertThat(listener.socketPath()).doesNotExist();
    }

    @Test
    void givenRunnerThatIsNotAlive_accept_failsAtOnce() throws IOException {
        assertAcceptFailsAsExited(CompletableFuture.completedFuture(null), Duration.ofSeconds(10));
    }

    @Test
    void givenRunnerThatEndsWhileAcceptWaits_accept_failsAsSoonAsItEnds_notAtTheDeadline() throws IOException {
        // A runner that exits without ever connecting: its end is the only event the listener gets.
        Process runner = new ProcessBuilder("python3", "-c", "import sys; sys.exit(3)").start();

        assertAcceptFailsAsExited(runner.onExit(), Duration.ofSeconds(60));
    }

    /** Accept, given the runner's end {@code ended}, fails as "exited" well before {@code timeout}. */
    private void assertAcceptFailsAsExited(CompletableFuture<?> ended, Duration timeout) throws IOException {
        RunnerListener listener = RunnerListener.bind(directory.resolve("platform.sock"),
                PosixFilePermissions.fromString("rw-------"), RunnerListener.ANY_USER);
        cleanups.add(listener);

        long start = System.nanoTime();
        assertThatThrownBy(() -> listener.accept(timeout, ended))
                .isInstanceOf(UnableToStartInstanceException.class)
                .hasMessageContaining("exited before it connected");
        // A liveness bound, half the timeout: the dead runner is noticed, the timeout is not waited out.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.dividedBy(2));
        assertThat(listener.socketPath()).doesNotExist();
    }

    @Test
    void givenMode_bind_setsTheSocketsPermissions() throws IOException {
        RunnerListener listener = RunnerListener.bind(directory.resolve("platform.sock"),
                PosixFilePermissions.fromString("rw--w--w-"), RunnerListener.ANY_USER);
        cleanups.add(listener);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(listener.socketPath())))
                .isEqualTo("rw--w--w-");
    }
}
