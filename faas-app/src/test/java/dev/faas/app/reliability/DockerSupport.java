package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.faas.adapter.docker.DockerClients;
import dev.faas.testkit.DockerAvailability;
import dev.faas.testkit.RequiresDocker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Docker engine as the server tests see it: one client per suite, and a suite's containers found and removed by
 * their {@code faas.node} label. Whether the engine and the image are there is {@link RequiresDocker}'s business.
 */
public final class DockerSupport implements AutoCloseable, AfterAllCallback {

    /** The function image under test: system property or environment variable {@code FAAS_IMAGE}, else the default. */
    static final String IMAGE = DockerAvailability.functionImage();

    private final DockerClient docker;

    private DockerSupport(DockerClient docker) {
        this.docker = docker;
    }

    /**
     * A client of a running engine that holds the function image; fails or skips the caller otherwise, as
     * {@link RequiresDocker} does (for callers not annotated with it).
     */
    public static DockerSupport require() {
        DockerAvailability.require(true);
        return new DockerSupport(DockerClients.create());
    }

    /**
     * A client for a class annotated with {@link RequiresDocker}, which has checked the engine already; registered in
     * a static {@code @RegisterExtension} field, it is closed after the class.
     */
    public static DockerSupport forClass() {
        return new DockerSupport(DockerClients.create());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public DockerClient client() {
        return docker;
    }

    /** A node id no other run uses, so that every container of a suite is found (and removed) by its label. */
    public static String uniqueNode(String prefix) {
        return prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    }

    /** A fresh short directory for instance sockets: Unix socket paths hold at most 107 bytes. */
    static Path socketDirectory() throws IOException {
        return Files.createTempDirectory(Path.of("/tmp"), "rel");
    }

    /** The node's containers, running or not. */
    public List<Container> containers(String node) {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("faas.managed", "true", "faas.node", node)).exec();
    }

    /** The node's running containers. */
    public List<Container> running(String node) {
        return docker.listContainersCmd().withLabelFilter(Map.of("faas.managed", "true", "faas.node", node)).exec();
    }

    /** Running containers of anyone but {@code node}: someone else is using the engine. */
    List<Container> runningOthers(String node) {
        return docker.listContainersCmd().exec().stream()
                .filter(container -> container.getLabels() == null
                        || !node.equals(container.getLabels().get("faas.node")))
                .toList();
    }

    /** The running container whose id starts with {@code shortId} (a container's hostname is its short id). */
    Container byHostname(String node, String shortId) {
        return running(node).stream().filter(container -> container.getId().startsWith(shortId)).findFirst()
                .orElseThrow(() -> new AssertionError("no running container " + shortId + " of node " + node));
    }

    /** Waits (at most 30 s) until exactly {@code count} containers of the node run. */
    public void awaitRunning(String node, int count) {
        await(count + " running containers of " + node).atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(running(node)).as("running containers").hasSize(count));
    }

    /** Waits (at most 30 s) until at least {@code count} containers of the node run. */
    public void awaitRunningAtLeast(String node, int count) {
        await(count + " or more running containers of " + node).atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(running(node).size()).as("running containers")
                        .isGreaterThanOrEqualTo(count));
    }

    /** Waits (at most 30 s) until the container whose id starts with {@code shortId} is removed. */
    public void awaitGone(String node, String shortId) {
        await("container " + shortId + " removed").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(containers(node)).extracting(Container::getId)
                        .noneMatch(containerId -> containerId.startsWith(shortId)));
    }

    /** Removes every container of the node, ignoring those already gone; never throws. */
    public void removeAll(String node) {
        try {
            for (Container container : containers(node)) {
                try {
                    docker.removeContainerCmd(container.getId()).withForce(true).exec();
                } catch (NotFoundException gone) {
                    // removed meanwhile
                } catch (RuntimeException e) {
                    System.err.println("could not remove container " + container.getId() + ": " + e);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("could not list the containers of node " + node + ": " + e);
        }
    }

    /**
     * Serves {@code directory} read-only over HTTP on port 8000 (python3's {@code http.server} in the function image,
     * as user 10001) from a container named {@code name}, on a new internal network also named {@code name} that the
     * platform's build containers join: a package index or registry of the test's own that never reaches the
     * internet. Both carry the label {@code faas.test=node}; closing the result removes both.
     */
    public InternalFileServer serveOnInternalNetwork(String name, String node, Path directory) {
        docker.createNetworkCmd().withName(name).withInternal(true).withLabels(Map.of("faas.test", node)).exec();
        String container = null;
        try {
            container = docker.createContainerCmd(IMAGE).withName(name).withLabels(Map.of("faas.test", node))
                    .withEntrypoint("python3", "-m", "http.server", "8000", "--directory", "/srv")
                    .withUser("10001:10001")
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode(name)
                            .withBinds(new Bind(directory.toString(), new Volume("/srv"), AccessMode.ro)))
                    .exec().getId();
            docker.startContainerCmd(container).exec();
            return new InternalFileServer(docker, name, container);
        } catch (RuntimeException e) {
            new InternalFileServer(docker, name, container).close();
            throw e;
        }
    }

    /**
     * A file server of {@link #serveOnInternalNetwork}, reached as {@code http://name:8000} on network {@code name};
     * {@code container} is null when it was never created.
     */
    public record InternalFileServer(DockerClient docker, String name, String container) implements AutoCloseable {

        @Override
        public void close() {
            if (container != null) {
                docker.removeContainerCmd(container).withForce(true).exec();
            }
            docker.removeNetworkCmd(name).exec();
        }
    }

    static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException e) {
            System.err.println("could not delete " + directory + ": " + e);
        }
    }

    @Override
    public void close() {
        try {
            docker.close();
        } catch (IOException ignored) {
            // the engine may be gone: nothing to release
        }
    }
}
