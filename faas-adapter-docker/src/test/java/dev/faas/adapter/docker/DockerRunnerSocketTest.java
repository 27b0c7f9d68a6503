package dev.faas.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.python.UnsafeDirectoryException;
import dev.faas.testkit.RequiresDocker;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channel between the platform and a container's runner cannot be taken over: the socket root is private, only
 * the container's user may connect (once), the container sees its socket directory read-only, and a runner that
 * connects but never answers fails the start within the start timeout.
 */
@Tag("docker")
@RequiresDocker
class DockerRunnerSocketTest {

    @RegisterExtension
    static final DockerTestEnvironment ENGINE = DockerTestEnvironment.forNode("sock-");
    private static final String NODE_ID = ENGINE.nodeId();
    private static final DockerClient docker = ENGINE.client();
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * A runner that connects (or, for the runner of before, listens and accepts) and then never answers anything.
     * The function image's Python, another entrypoint.
     */
    private static final String MUTE_RUNNER = "import os, socket, sys, time; a = sys.argv; "
            + "s = socket.socket(socket.AF_UNIX); "
            + "s.connect(a[a.index('--connect') + 1]) if '--connect' in a else "
            + "(s.bind(a[a.index('--socket') + 1]), os.chmod(a[a.index('--socket') + 1], 0o666), s.listen(1), "
            + "(c := s.accept())); time.sleep(1000)";


    @TempDir
    Path parent;

    private Path socketRoot;
    private final List<DockerFunctionRuntime> runtimes = new ArrayList<>();

    @BeforeEach
    void chooseSocketRoot() {
        socketRoot = parent.resolve("sockets");
    }

    @AfterEach
    void closeRuntimes() {
        runtimes.forEach(DockerFunctionRuntime::close);
    }

    @Test
    void givenSocketRootOpenToOthers_theRuntime_makesItPrivate() throws IOException {
        Files.createDirectory(socketRoot);
        Files.setPosixFilePermissions(socketRoot, PosixFilePermissions.fromString("rwxr-xr-x"));

        runtime(settings());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socketRoot)))
                .isEqualTo("rwx------");
    }

    @Test
    void givenSocketRootOfAnotherUser_theRuntime_refusesToStartSayingWhatToFix() throws IOException {
        Assumptions.assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"),
                "giving a directory away needs root");
        Files.createDirectory(socketRoot);
        Files.setAttribute(socketRoot, "unix:uid", 12345);

        assertThatThrownBy(() -> new DockerFunctionRuntime(docker, settings()))
                .isInstanceOf(UnsafeDirectoryException.class)
                .hasMessageContaining("FAAS_SOCKET_DIR")
                .hasMessageContaining("belongs to uid 12345")
                .hasMessageContaining("chown");
    }

    @Test
    void givenSocketRootThatIsASymbolicLink_theRuntime_refusesToStart() throws IOException {
        Path real = Files.createDirectory(parent.resolve("real"));
        Files.createSymbolicLink(socketRoot, real);

        assertThatThrownBy(() -> new DockerFunctionRuntime(docker, settings()))
                .isInstanceOf(UnsafeDirectoryException.class)
                .hasMessageContaining("symbolic link");
    }

    @Test
    void givenImpostorConnectingBeforeTheRunner_start_refusesIt_andOnlyTheRunnerGetsCodeAndParams()
            throws Exception {
        DockerFunctionRuntime runtime = runtime(settings());
        Impostor impostor = new Impostor(socketRoot);
        impostor.start();
        Instance instance;
        try {
            instance = runtime.start(new InstanceSpec(FunctionId.parse("secret-1"), 128));
            runtime.init(instance, definition("SECRET = 'code-secret'\n"
                    + "def user_function(token):\n    return SECRET + '/' + token\n"));
            assertThat(runtime.run(instance, "{\"token\":\"param-secret\"}", Duration.ofSeconds(10)).resultJson())
                    .isEqualTo("\"code-secret/param-secret\"");
        } finally {
            impostor.stop();
        }

        assertThat(impostor.connections).as("the impostor's connections to the platform's socket").isNotEmpty();
        assertThat(impostor.received).as("bytes the platform sent the impostor").isEmpty();
        assertThat(impostor.closedByPeer).as("the platform closed every impostor connection").isTrue();
        assertThat(instance).isNotNull();
    }

    @Test
    void givenFunctionWritingIntoItsSocketDirectory_itFindsItReadOnly_andTheHostDirectoryStaysEmpty()
            throws Exception {
        DockerFunctionRuntime runtime = runtime(settings());
        Instance instance = runtime.start(new InstanceSpec(FunctionId.parse("writer-1"), 128));
        runtime.init(instance, definition("""
                import os
                def user_function():
                    outcomes = {}
                    for name in ("probe", "platform.sock"):
                        try:
                            with open(os.path.join("/run/faas", name), "wb") as file:
                                file.write(b"x" * 1024)
                            outcomes[name] = "written"
                        except OSError as error:
                            outcomes[name] = str(error.strerror)
                    try:
                        os.mkdir("/run/faas/dir")
                        outcomes["mkdir"] = "made"
                    except OSError as error:
                        outcomes["mkdir"] = str(error.strerror)
                    return outcomes
                """));

        JsonNode outcomes = JSON.readTree(runtime.run(instance, "{}", Duration.ofSeconds(10)).resultJson());

        assertThat(outcomes.get("probe").asText()).isEqualTo("Read-only file system");
        assertThat(outcomes.get("platform.sock").asText()).isEqualTo("Read-only file system");
        assertThat(outcomes.get("mkdir").asText()).isEqualTo("Read-only file system");
        try (Stream<Path> entries = Files.list(socketRoot.resolve(instance.id()))) {
            assertThat(entries).as("the instance's host directory once the runner connected").isEmpty();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socketRoot.resolve(instance.id()),
                LinkOption.NOFOLLOW_LINKS))).isEqualTo("rwx--x--x");
    }

    @Test
    void givenRunnerThatConnectsButNeverAnswers_start_failsWithinTheStartTimeout_andLeavesNothing()
            throws Exception {
        String muteImage = "faas-mute-runner:" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        buildMuteImage(muteImage);
        try {
            Duration startTimeout = Duration.ofSeconds(3);
            DockerFunctionRuntime runtime = runtime(withStartTimeout(settings().withImage(muteImage), startTimeout));

            long start = System.nanoTime();
            // Preemptive: before the handshake had a deadline, this start never returned.
            assertTimeoutPreemptively(startTimeout.plusSeconds(20), () ->
                    assertThatThrownBy(() -> runtime.start(InstanceSpec.prewarm(128)))
                            .isInstanceOf(UnableToStartInstanceException.class)
                            .hasMessageContaining("did not answer its first ping within 3000 ms"));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("a runner that never answers failed its start after %d ms (start timeout %d ms)%n",
                    elapsedMillis, startTimeout.toMillis());

            // The container's creation and start come before the timeout's window, its removal after it. A deadline
            // check, not a speed figure: no earlier than the start timeout, and within a generous liveness bound.
            assertThat(elapsedMillis).isBetween(startTimeout.toMillis(), startTimeout.toMillis() + 5_000);
            assertThat(runtime.running()).isEmpty();
            assertThat(DockerTestEnvironment.containersLabelled(docker, Map.of("faas.node", NODE_ID))).isEmpty();
            try (Stream<Path> entries = Files.list(socketRoot)) {
                assertThat(entries).isEmpty();
            }
        } finally {
            try {
                docker.removeImageCmd(muteImage).withForce(true).exec();
            } catch (NotFoundException alreadyGone) {
                // never built
            }
        }
    }

    private static void buildMuteImage(String tag) throws Exception {
        // The runtime's sandbox entry point runs the image's runner file, whatever the image's ENTRYPOINT: the
        // mute runner must stand in that file.
        String dockerfile = "FROM " + DockerTestEnvironment.image() + "\n"
                + "USER root\n"
                + "RUN " + JSON.writeValueAsString(List.of("python3", "-c",
                        "import sys; open(sys.argv[1], 'w').write(sys.argv[2])", ContainerSpecFactory.RUNNER_PATH,
                        MUTE_RUNNER)) + "\n"
                + "ENTRYPOINT " + JSON.writeValueAsString(List.of("python3", "-c", MUTE_RUNNER)) + "\n";
        Process build = new ProcessBuilder("docker", "build", "-q", "-t", tag, "-").redirectErrorStream(true).start();
        build.getOutputStream().write(dockerfile.getBytes(StandardCharsets.UTF_8));
        build.getOutputStream().close();
        String output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(build.waitFor(120, TimeUnit.SECONDS)).as("docker build ends").isTrue();
        assertThat(build.exitValue()).as("docker build: %s", output).isZero();
    }

    private DockerRuntimeSettings settings() {
        return DockerRuntimeSettings.defaults(NODE_ID, socketRoot).withImage(DockerTestEnvironment.image());
    }

    private static DockerRuntimeSettings withStartTimeout(DockerRuntimeSettings base, Duration startTimeout) {
        return new DockerRuntimeSettings(base.image(), base.nodeId(), base.socketRoot(), startTimeout,
                base.pidsLimit(), base.tmpfsBytes(), base.cpus(), base.nofile(), base.user(), base.logLimitBytes());
    }

    private DockerFunctionRuntime runtime(DockerRuntimeSettings settings) {
        DockerFunctionRuntime runtime = new DockerFunctionRuntime(docker, settings);
        runtimes.add(runtime);
        return runtime;
    }

    private static FunctionDefinition definition(String code) {
        return new FunctionDefinition(FunctionId.parse("socket-1"), code, "user_function",
                new FunctionLimits(Duration.ofSeconds(10), 128, 4), Instant.now(), "0".repeat(64));
    }

    /**
     * Another local process (this test's, uid 0, not the container's 10001) that connects to every socket appearing
     * under the socket root as soon as it appears, and keeps whatever the other side sends it.
     */
    private static final class Impostor {

        private final Path socketRoot;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final List<Path> connections = new CopyOnWriteArrayList<>();
        private final StringBuffer received = new StringBuffer();
        private volatile boolean closedByPeer = true;
        private final List<Thread> readers = new CopyOnWriteArrayList<>();
        private Thread watcher;

        private Impostor(Path socketRoot) {
            this.socketRoot = socketRoot;
        }

        void start() {
            watcher = new Thread(this::watch, "impostor-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }

        void stop() throws InterruptedException {
            stopped.set(true);
            watcher.join(5_000);
            for (Thread reader : readers) {
                reader.join(5_000);
                if (reader.isAlive()) {
                    closedByPeer = false;
                    reader.interrupt();
                }
            }
        }

        private void watch() {
            while (!stopped.get()) {
                try (Stream<Path> instances = Files.list(socketRoot)) {
                    for (Path directory : instances.toList()) {
                        try (Stream<Path> entries = Files.list(directory)) {
                            for (Path entry : entries.toList()) {
                                if (!connections.contains(entry) && isSocket(entry)) {
                                    connect(entry);
                                }
                            }
                        } catch (IOException vanished) {
                            // the directory went away meanwhile
                        }
                    }
                } catch (IOException e) {
                    return;
                }
                LockSupport.parkNanos(200_000);
            }
        }

        private static boolean isSocket(Path entry) {
            try {
                return ((Integer) Files.getAttribute(entry, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000)
                        == 0140000;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        private void connect(Path socket) {
            SocketChannel channel;
            try {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException refused) {
                return;
            }
            connections.add(socket);
            Thread reader = new Thread(() -> {
                try (channel) {
                    ByteBuffer buffer = ByteBuffer.allocate(65536);
                    int count;
                    while ((count = channel.read(buffer)) > 0) {
                        received.append(new String(buffer.array(), 0, count, StandardCharsets.UTF_8));
                        buffer.clear();
                    }
                } catch (IOException e) {
                    // reset by the platform: closed too
                }
            }, "impostor-reader");
            reader.setDaemon(true);
            readers.add(reader);
            reader.start();
        }
    }
}
