package dev.faas.python;

import dev.faas.ports.error.UnableToStartInstanceException;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's end of a runner's start: a Unix socket that the platform binds in an instance directory it owns and
 * the runner connects to ({@code faas_runner.py --connect PATH}). The runner never needs a writable path shared with
 * the platform, so the Docker runtime mounts the directory read-only.
 *
 * <p>{@link #accept} takes exactly one connection, from the expected user only: the peer's credentials
 * ({@code SO_PEERCRED}) are checked on accept, and a connection from anyone else is closed unread and logged. It
 * then removes the socket, sends the first ping and returns the connection once the runner answered, all within one
 * deadline; a runner that connects but never answers fails the start like one that never connects. Where the
 * platform cannot learn a peer's credentials it says so once in the log and relies on the directory's permissions.
 *
 * <p>Not thread-safe, except {@link #close()}, which may come from any thread.
 */
public final class RunnerListener implements Closeable {

    /** Accept a connection from whoever can reach the socket: the directory's permissions are the only check. */
    public static final int ANY_USER = -1;

    private static final Logger LOG = LoggerFactory.getLogger(RunnerListener.class);
    private static final AtomicBoolean PEER_CREDENTIALS_UNAVAILABLE_LOGGED = new AtomicBoolean();
    private static final int BACKLOG = 8;
    private static final int PENDING = 0;
    private static final int SETTLED = 1;
    private static final int EXPIRED = 2;
    // One daemon thread bounds every first ping of the process: it only closes channels.
    private static final ScheduledThreadPoolExecutor HANDSHAKE_DEADLINES = handshakeTimer();

    private final Path socketPath;
    private final ServerSocketChannel server;
    private final int expectedUid;
    private final UserPrincipal expectedUser;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RunnerListener(Path socketPath, ServerSocketChannel server, int expectedUid, UserPrincipal expectedUser) {
        this.socketPath = socketPath;
        this.server = server;
        this.expectedUid = expectedUid;
        this.expectedUser = expectedUser;
    }

    /**
     * Listens on {@code socketPath}, whose permissions become {@code mode}, for a runner running as
     * {@code expectedUid} ({@link #ANY_USER}: anyone who can reach the socket).
     *
     * @throws IOException if the socket cannot be bound (such as a path longer than a Unix socket allows)
     */
    public static RunnerListener bind(Path socketPath, Set<PosixFilePermission> mode, int expectedUid)
            throws IOException {
        Objects.requireNonNull(socketPath, "socketPath");
        Objects.requireNonNull(mode, "mode");
        UserPrincipal expectedUser = expectedUid == ANY_USER ? null
                // A number that names no account still resolves, to that uid; principals compare by uid.
                : FileSystems.getDefault().getUserPrincipalLookupService()
                        .lookupPrincipalByName(Integer.toString(expectedUid));
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socketPath), BACKLOG);
            Files.setPosixFilePermissions(socketPath, mode);
            server.configureBlocking(false);
            return new RunnerListener(socketPath, server, expectedUid, expectedUser);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(socketPath);
            throw e;
        }
    }

    /** Where the runner must connect. */
    public Path socketPath() {
        return socketPath;
    }

    /**
     * Waits for the runner's connection, refusing others, then checks it answers a ping; within {@code timeout} in
     * all. The listening socket is closed and removed whatever the outcome.
     *
     * @param ended completes when the runner has ended (such as {@link Process#onExit()}): waiting stops at once
     *     then, without any polling; it is only observed, never completed or cancelled here
     * @throws UnableToStartInstanceException if the runner does not connect and answer in time, ended before it
     *     connected, or the thread is interrupted
     */
    public RunnerConnection accept(Duration timeout, CompletionStage<?> ended) {
        Objects.requireNonNull(ended, "ended");
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel channel;
        try {
            channel = acceptRunner(deadline, timeout, ended.toCompletableFuture());
        } finally {
            // Exactly one connection: from now on nothing else can connect, and nothing is left on disk.
            close();
        }
        return handshake(channel, deadline, timeout);
    }

    private SocketChannel acceptRunner(long deadline, Duration timeout,
                                       CompletableFuture<?> ended) {
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            // The runner's end wakes the selector: a select waits for a connection, the end or the deadline only.
            ended.whenComplete((result, failure) -> selector.wakeup());
            while (true) {
                SocketChannel candidate;
                while ((candidate = server.accept()) != null) {
                    if (fromTheRunner(candidate)) {
                        candidate.configureBlocking(true);
                        return candidate;
                    }
                }
                if (ended.isDone()) {
                    throw new UnableToStartInstanceException(
                            "the runner exited before it connected to " + socketPath, "");
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new UnableToStartInstanceException("the runner did not connect to " + socketPath
                            + " within " + timeout.toMillis() + " ms", "");
                }
                // select(0) would wait forever: at least one millisecond.
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
                selector.selectedKeys().clear();
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new UnableToStartInstanceException("interrupted while waiting for the runner",
                            new InterruptedException());
                }
            }
        } catch (IOException e) {
            throw new UnableToStartInstanceException("cannot accept the runner's connection on " + socketPath + ": "
                    + e.getMessage(), e);
        }
    }

    /** Whether {@code candidate} comes from the expected user; closes it if not. */
    private boolean fromTheRunner(SocketChannel candidate) throws IOException {
        if (expectedUser == null) {
            return true;
        }
        UnixDomainPrincipal peer;
        try {
            peer = candidate.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (UnsupportedOperationException | IOException e) {
            if (PEER_CREDENTIALS_UNAVAILABLE_LOGGED.compareAndSet(false, true)) {
                LOG.warn("cannot learn which user connected to a runner socket (SO_PEERCRED: {}); relying on the "
                        + "socket directory's permissions alone", e.toString());
            }
            return true;
        }
        if (expectedUser.equals(peer.user())) {
            return true;
        }
        LOG.warn("refused a connection to {} from user '{}' (group '{}'): only the runner, uid {}, may connect",
                socketPath, peer.user().getName(), peer.group().getName(), expectedUid);
        candidate.close();
        return false;
    }

    private static RunnerConnection handshake(SocketChannel channel, long deadline, Duration timeout) {
        RunnerConnection connection = new RunnerConnection(Channels.newInputStream(channel),
                Channels.newOutputStream(channel), channel);
        // Exactly one of the answer and the deadline wins; closing the channel ends a ping blocked on reading.
        AtomicInteger state = new AtomicInteger(PENDING);
        ScheduledFuture<?> expiry = HANDSHAKE_DEADLINES.schedule(() -> {
            if (state.compareAndSet(PENDING, EXPIRED)) {
                connection.close();
            }
        }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        try {
            connection.ping();
        } catch (RuntimeException e) {
            connection.close();
            if (!state.compareAndSet(PENDING, SETTLED)) {
                throw new UnableToStartInstanceException("the runner connected but did not answer its first ping "
                        + "within " + timeout.toMillis() + " ms", "");
            }
            throw new UnableToStartInstanceException("the runner did not answer its first ping: " + e.getMessage(),
                    e);
        } finally {
            expiry.cancel(false);
        }
        if (!state.compareAndSet(PENDING, SETTLED)) {
            // The answer and the deadline came together: the channel is closed already.
            throw new UnableToStartInstanceException("the runner connected but did not answer its first ping "
                    + "within " + timeout.toMillis() + " ms", "");
        }
        return connection;
    }

    /** Stops listening and removes the socket file; idempotent, never throws. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the listener on {} failed: {}", socketPath, e.toString());
        }
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            LOG.debug("could not remove {}: {}", socketPath, e.toString());
        }
    }

    private static ScheduledThreadPoolExecutor handshakeTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "faas-runner-handshakes");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
