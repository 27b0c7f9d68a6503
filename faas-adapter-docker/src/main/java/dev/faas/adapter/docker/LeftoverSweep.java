package dev.faas.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what a runtime of this node left behind when it ended without stopping its instances (a crash, a kill):
 * every container labelled as this node's, running or not, and this node's socket directories, except those of
 * instances still in use. Containers and directories of other nodes are never touched. Thread-safe.
 */
final class LeftoverSweep {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverSweep.class);

    private final DockerClient docker;
    private final String nodeId;
    private final SocketDirectories directories;

    LeftoverSweep(DockerClient docker, String nodeId, SocketDirectories directories) {
        this.docker = docker;
        this.nodeId = nodeId;
        this.directories = directories;
    }

    /**
     * Sweeps the leftovers whose instance id {@code inUse} does not claim.
     *
     * @return how many containers were removed
     * @throws com.github.dockerjava.api.exception.DockerException if the engine cannot list containers
     */
    int sweep(Predicate<String> inUse) {
        List<Container> leftovers = docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(DockerFunctionRuntime.LABEL_MANAGED, "true",
                        DockerFunctionRuntime.LABEL_NODE, nodeId))
                .exec();
        int removed = 0;
        for (Container container : leftovers) {
            Map<String, String> labels = container.getLabels() == null ? Map.of() : container.getLabels();
            // The engine filtered already; checking again costs nothing and guards the one thing that matters.
            String instanceId = labels.get(DockerFunctionRuntime.LABEL_INSTANCE);
            if (!nodeId.equals(labels.get(DockerFunctionRuntime.LABEL_NODE))
                    || (instanceId != null && inUse.test(instanceId))) {
                continue;
            }
            if (remove(docker, container.getId())) {
                removed++;
            }
        }
        int deleted = directories.sweep(inUse);
        if (removed > 0 || deleted > 0) {
            LOG.info("swept {} leftover container(s) and {} socket director(ies) of node {}", removed, deleted,
                    nodeId);
        }
        return removed;
    }

    /** Kills and removes a container; true if this call removed it. Never throws. */
    static boolean remove(DockerClient docker, String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
            return true;
        } catch (NotFoundException e) {
            LOG.debug("container {} was already gone", ContainerPostMortem.shortId(containerId));
        } catch (ConflictException e) {
            // "removal already in progress": someone else is removing it.
            LOG.debug("container {} is being removed already: {}", ContainerPostMortem.shortId(containerId),
                    e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("could not remove container {}: {}", ContainerPostMortem.shortId(containerId), e.toString());
        }
        return false;
    }
}
