package dev.faas.adapter.docker;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Docker engine and function image the tests need: skipped without them, unless
 * {@code FAAS_REQUIRE_DOCKER=true}, which turns their absence into a failure (CI sets it).
 */
final class DockerTestEnvironment {

    private DockerTestEnvironment() {
    }

    /** The image under test: system property or environment variable {@code FAAS_IMAGE}, else the default. */
    static String image() {
        String configured = System.getProperty("FAAS_IMAGE", System.getenv("FAAS_IMAGE"));
        return configured == null || configured.isBlank() ? DockerRuntimeSettings.DEFAULT_IMAGE : configured;
    }

    static boolean dockerRequired() {
        return "true".equalsIgnoreCase(System.getProperty("FAAS_REQUIRE_DOCKER",
                System.getenv("FAAS_REQUIRE_DOCKER")));
    }

    /** A node id no other test run uses, so each run finds and removes exactly its own containers. */
    static String uniqueNodeId(String prefix) {
        return prefix + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    }

    /**
     * Why the tests cannot run here (no engine, no image), or null if they can. With {@code FAAS_REQUIRE_DOCKER=true}
     * a reason fails the caller instead, so call this from {@code @BeforeAll}.
     */
    static String unavailability(DockerClient docker) {
        String problem = null;
        if (!DockerClients.engineAvailable(docker)) {
            problem = "no Docker engine answers (DOCKER_HOST or /var/run/docker.sock)";
        } else {
            try {
                docker.inspectImageCmd(image()).exec();
            } catch (NotFoundException e) {
                problem = DockerFunctionRuntime.missingImageMessage(image());
            }
        }
        if (problem != null && dockerRequired()) {
            fail("FAAS_REQUIRE_DOCKER=true but " + problem);
        }
        return problem;
    }

    /** Skips the calling test, naming the reason, when {@code unavailability} is not null. */
    static void skipIf(String unavailability) {
        if (unavailability != null) {
            Assumptions.abort("skipped: " + unavailability + " (with FAAS_REQUIRE_DOCKER=true this fails instead)");
        }
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
