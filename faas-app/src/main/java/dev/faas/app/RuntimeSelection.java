package dev.faas.app;

import com.github.dockerjava.api.DockerClient;
import dev.faas.adapter.docker.DockerClients;
import dev.faas.adapter.docker.DockerFunctionRuntime;
import dev.faas.adapter.docker.DockerRuntimeSettings;
import dev.faas.adapter.docker.FunctionImageBuilder;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import dev.faas.ports.out.FunctionRuntime;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses and builds the function runtime: {@code FAAS_RUNTIME=process|docker}, or, when unset, Docker if an engine
 * answers. Never falls back to the unsandboxed process runtime by itself: without an engine it explains what to do.
 */
final class RuntimeSelection {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeSelection.class);

    private RuntimeSelection() {
    }

    /** The runtime and what must be closed after it (the Docker client), in that order. */
    record Selected(FunctionRuntime runtime, AutoCloseable client) {
    }

    static Selected create(FaasConfig config) {
        if (FaasConfig.PROCESS.equals(config.runtime())) {
            LOG.warn("FAAS_RUNTIME=process: functions run as local python3 processes, which is NOT a sandbox");
            return new Selected(process(config), () -> { });
        }
        DockerClient docker = DockerClients.create();
        try {
            if (!DockerClients.engineAvailable(docker)) {
                throw new StartupException(noEngineMessage(config));
            }
            String nodeId = NodeId.resolve(config);
            DockerRuntimeSettings settings = DockerRuntimeSettings.defaults(nodeId,
                    config.socketDir().toAbsolutePath().normalize()).withImage(config.image());
            // A missing image is built from the Dockerfile bundled in the jar where that can be done.
            FunctionImageBuilder images = new FunctionImageBuilder(docker);
            try {
                images.ensure(FunctionImageBuilder.PYTHON, config.image());
            } catch (FunctionImageBuilder.ImageBuildException e) {
                throw new StartupException(e.getMessage());
            }
            try {
                images.ensure(FunctionImageBuilder.NODEJS, config.nodeImage());
                settings = settings.withNodeImage(config.nodeImage());
            } catch (FunctionImageBuilder.ImageBuildException e) {
                // Python alone still serves; registrations asking for nodejs are told what this node offers.
                LOG.warn("no nodejs runtime: {}", e.getMessage());
            }
            DockerFunctionRuntime runtime = new DockerFunctionRuntime(docker, settings);
            int swept = runtime.sweep();
            LOG.info("docker runtime: node {}, images {} (python3) and {} (nodejs), removed {} leftover container(s)"
                    + " of this node", nodeId, config.image(),
                    runtime.settings().nodeImage() == null ? "none" : config.nodeImage(), swept);
            return new Selected(runtime, docker);
        } catch (RuntimeException e) {
            closeQuietly(docker);
            throw e;
        }
    }

    static FunctionRuntime process(FaasConfig config) {
        return new ProcessFunctionRuntime(new ProcessRuntimeSettings(config.pythonCommand(),
                config.dataDir().resolve("instances").toAbsolutePath(), Duration.ofSeconds(10), 64 * 1024,
                config.nodeCommand()));
    }

    private static String noEngineMessage(FaasConfig config) {
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        String prefix = config.runtime() == null ? "no runtime chosen and " : "FAAS_RUNTIME=docker but ";
        return prefix + "no Docker engine answers at " + host + ". Start Docker (for example "
                + "'sudo systemctl start docker', or 'sudo dockerd &'), or set FAAS_RUNTIME=process to run functions "
                + "as local python3 processes (for development only: that is not a sandbox)";
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("closing the Docker client failed", e);
        }
    }
}
