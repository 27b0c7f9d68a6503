package dev.faas.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.faas.testkit.DockerAvailability;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test class's view of the engine, registered in a static {@code @RegisterExtension} field next to
 * {@link dev.faas.testkit.RequiresDocker}: a client, a node id no other run uses (so each run finds exactly its own
 * containers), and, after the class, the removal of that node's containers and the client's close.
 */
final class DockerTestEnvironment implements AfterAllCallback {

    private final DockerClient docker = DockerClients.create();
    private final String nodeId;

    private DockerTestEnvironment(String nodeId) {
        this.nodeId = nodeId;
    }

    /** A client and a fresh node id starting with {@code prefix}. */
    static DockerTestEnvironment forNode(String prefix) {
        return new DockerTestEnvironment(uniqueNodeId(prefix));
    }

    DockerClient client() {
        return docker;
    }

    String nodeId() {
        return nodeId;
    }

    /** Runtime settings for this node, with the image under test and the sockets under {@code socketRoot}. */
    DockerRuntimeSettings settings(Path socketRoot) {
        return DockerRuntimeSettings.defaults(nodeId, socketRoot).withImage(image());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            removeContainersLabelled(docker, Map.of(DockerFunctionRuntime.LABEL_NODE, nodeId));
        } finally {
            docker.close();
        }
    }

    /** The image under test: {@code FAAS_IMAGE} (system property or environment), else the default. */
    static String image() {
        return DockerAvailability.functionImage();
    }

    /** A node id no other test run uses. */
    static String uniqueNodeId(String prefix) {
        return prefix + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    }

    /** Every container, running or not, carrying all of {@code labels}. */
    static List<Container> containersLabelled(DockerClient docker, Map<String, String> labels) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec();
    }

    /** Removes every container carrying all of {@code labels}; for cleaning up after tests, failed ones too. */
    static void removeContainersLabelled(DockerClient docker, Map<String, String> labels) {
        for (Container container : containersLabelled(docker, labels)) {
            try {
                docker.removeContainerCmd(container.getId()).withForce(true).exec();
            } catch (NotFoundException | ConflictException alreadyGoing) {
                // Removed meanwhile.
            }
        }
    }
}
