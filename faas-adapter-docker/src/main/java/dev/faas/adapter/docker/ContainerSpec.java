package dev.faas.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.HostConfig;
import java.util.List;
import java.util.Map;

/**
 * Everything the engine is told when one instance's container is created: its name, labels, entry point and
 * arguments, user, environment and host configuration (the sandbox). A value computed by
 * {@link ContainerSpecFactory} without talking to the engine.
 */
record ContainerSpec(String name, Map<String, String> labels, List<String> entrypoint, List<String> command,
                     String user, List<String> environment, HostConfig hostConfig) {

    ContainerSpec {
        labels = Map.copyOf(labels);
        entrypoint = List.copyOf(entrypoint);
        command = List.copyOf(command);
        environment = List.copyOf(environment);
    }

    /** The engine's create command of a container of {@code image} with exactly this spec, ready to execute. */
    CreateContainerCmd createCommand(DockerClient docker, String image) {
        return docker.createContainerCmd(image)
                .withName(name)
                .withLabels(labels)
                .withEntrypoint(entrypoint)
                .withUser(user)
                .withEnv(environment)
                .withCmd(command)
                .withHostConfig(hostConfig);
    }
}
