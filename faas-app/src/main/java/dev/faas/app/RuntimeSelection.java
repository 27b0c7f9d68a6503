package dev.faas.app;

import com.github.dockerjava.api.DockerClient;
import dev.faas.adapter.docker.DependencySettings;
import dev.faas.adapter.docker.DockerClients;
import dev.faas.adapter.docker.DockerDependencyBuilder;
import dev.faas.adapter.docker.DockerFunctionRuntime;
import dev.faas.adapter.docker.DockerRuntimeSettings;
import dev.faas.adapter.docker.EgressNetwork;
import dev.faas.adapter.docker.EgressRules;
import dev.faas.adapter.docker.FunctionImageBuilder;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import dev.faas.ports.out.DependencyBuilder;
import dev.faas.ports.out.FunctionRuntime;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
    record Selected(FunctionRuntime runtime, AutoCloseable client, DependencyBuilder dependencies) {

        Selected(FunctionRuntime runtime, AutoCloseable client) {
            this(runtime, client, DependencyBuilder.NONE);
        }
    }

    static Selected create(FaasConfig config) {
        if (FaasConfig.PROCESS.equals(config.runtime())) {
            if (!config.customRuntimes().isEmpty()) {
                throw new StartupException("FAAS_RUNTIMES_FILE names runtimes ("
                        + config.customRuntimes().stream().map(CustomRuntime::name).toList() + "), which run in their"
                        + " images: the process runtime cannot offer them; use FAAS_RUNTIME=docker or unset"
                        + " FAAS_RUNTIMES_FILE");
            }
            LOG.warn("FAAS_RUNTIME=process: functions run as local python3 processes, which is NOT a sandbox");
            return new Selected(process(config), () -> { });
        }
        if (config.egress() && config.dockerRuntime() != null) {
            // gVisor as registered for the platform (--network=none) gives a container no network at all, so an
            // egress instance would start without the network it was promised.
            throw new StartupException("FAAS_EGRESS=" + egressMode(config) + " cannot be combined with FAAS_DOCKER_RUNTIME="
                    + config.dockerRuntime() + " yet: gVisor registered with --network=none (which it needs to start"
                    + " a container without network here) gives egress instances no network either. Use one of them");
        }
        DockerClient docker = DockerClients.create();
        try {
            if (!DockerClients.engineAvailable(docker)) {
                throw new StartupException(noEngineMessage(config));
            }
            String nodeId = NodeId.resolve(config);
            DockerRuntimeSettings settings = DockerRuntimeSettings.defaults(nodeId,
                    config.socketDir().toAbsolutePath().normalize()).withImage(config.image())
                    .withOciRuntime(config.dockerRuntime());
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
            for (CustomRuntime custom : config.customRuntimes()) {
                // An operator's image: the platform has no recipe for it, so it must be there.
                if (!DockerFunctionRuntime.imageAvailable(docker, custom.image())) {
                    throw new StartupException("the image '" + custom.image() + "' of the runtime '" + custom.name()
                            + "' (FAAS_RUNTIMES_FILE) is not on the Docker engine; build it first (see the README's"
                            + " Custom runtimes)");
                }
                if ("nodejs".equals(custom.runner()) && settings.nodeImage() == null) {
                    LOG.warn("the runtime {} uses the nodejs runner, whose own image is missing", custom.name());
                }
            }
            settings = settings.withCustomRuntimes(config.customRuntimes().stream()
                    .map(CustomRuntime::languageRuntime).toList());
            DockerFunctionRuntime runtime = new DockerFunctionRuntime(docker, settings);
            if (!runtime.ociRuntimeAvailable()) {
                runtime.close();
                throw new StartupException(DockerFunctionRuntime.missingOciRuntimeMessage(config.dockerRuntime()));
            }
            int swept = runtime.sweep();
            LOG.info("docker runtime: node {}, images {} (python3) and {} (nodejs), OCI runtime {}, removed {} leftover"
                    + " container(s) of this node", nodeId, config.image(),
                    runtime.settings().nodeImage() == null ? "none" : config.nodeImage(),
                    config.dockerRuntime() == null ? "(engine default)" : config.dockerRuntime(), swept);
            DependencyBuilder dependencies = new DockerDependencyBuilder(docker, settings, new DependencySettings(
                    config.dataDir().resolve("dependencies").toAbsolutePath().normalize(), config.pipIndexUrl(),
                    config.pipTrustedHost(), config.pipExtraArgs(), config.pipNetwork(), config.pipTimeout())
                    .withNpm(config.npmRegistry(), config.npmNetwork()));
            if (!config.egress()) {
                return new Selected(runtime, docker, dependencies);
            }
            runtime.close();
            EgressNetwork egress = openEgress(docker, nodeId, config);
            try {
                DockerFunctionRuntime withEgress = new DockerFunctionRuntime(docker,
                        settings.withEgressNetwork(egress.name()));
                // The egress network goes once the instances on it are stopped (the runtime closes first).
                return new Selected(withEgress, () -> {
                    egress.close();
                    docker.close();
                }, dependencies);
            } catch (RuntimeException e) {
                egress.close();
                throw e;
            }
        } catch (RuntimeException e) {
            closeQuietly(docker);
            throw e;
        }
    }

    /** {@code on} or {@code keys}, as the operator set FAAS_EGRESS, for messages. */
    private static String egressMode(FaasConfig config) {
        return config.egressNeedsPermission() ? FaasConfig.EGRESS_KEYS : FaasConfig.EGRESS_ON;
    }

    /** The node's egress network, denying the host's own addresses and the database's beside the defaults. */
    private static EgressNetwork openEgress(DockerClient docker, String nodeId, FaasConfig config) {
        List<String> own = new ArrayList<>(hostAddresses());
        own.addAll(databaseAddresses(config.dbUrl()));
        try {
            EgressNetwork egress = EgressNetwork.open(docker, nodeId,
                    new EgressRules(own, config.egressDeny(), config.egressAllow(), resolvers()),
                    EgressNetwork.Iptables.host());
            LOG.warn("FAAS_EGRESS={}: versions registered with \"network\": \"egress\" reach the network through"
                    + " {} (denied: the host, the database, link-local and metadata, private ranges{}{})",
                    egressMode(config), egress.name(), config.egressDeny().isEmpty() ? "" : ", " + config.egressDeny(),
                    config.egressAllow().isEmpty() ? "" : "; allowed: " + config.egressAllow());
            return egress;
        } catch (EgressNetwork.EgressSetupException e) {
            throw new StartupException("FAAS_EGRESS=" + egressMode(config) + " but the egress network cannot be set up: "
                    + e.getMessage());
        }
    }

    /**
     * The IPv4 name servers of this host's {@code /etc/resolv.conf}, which Docker's embedded DNS forwards outside
     * names to from the egress instances' own network namespaces; loopback ones are left out (Docker replaces them).
     */
    static List<String> resolvers() {
        List<String> resolvers = new ArrayList<>();
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/etc/resolv.conf"))) {
                String[] words = line.trim().split("\\s+");
                if (words.length >= 2 && words[0].equals("nameserver")
                        && words[1].matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") && !words[1].startsWith("127.")) {
                    resolvers.add(words[1]);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("could not read /etc/resolv.conf: egress instances may resolve no outside name: {}",
                    e.toString());
        }
        return resolvers;
    }

    /** This host's IPv4 addresses, which egress instances must not reach by any route. */
    static List<String> hostAddresses() {
        List<String> addresses = new ArrayList<>();
        try {
            for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(network.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                        addresses.add(address.getHostAddress());
                    }
                }
            }
        } catch (SocketException e) {
            LOG.warn("could not list this host's addresses for the egress deny list: {}", e.toString());
        }
        return addresses;
    }

    /**
     * The IPv4 addresses of the database servers named in {@code dbUrl} ({@code jdbc:postgresql://db1:5432,db2/faas}
     * names db1 and db2; none for the embedded database).
     */
    static List<String> databaseAddresses(String dbUrl) {
        if (dbUrl == null) {
            return List.of();
        }
        int start = dbUrl.indexOf("//");
        if (start < 0) {
            return List.of();
        }
        String hosts = dbUrl.substring(start + 2).split("[/?]", 2)[0];
        List<String> addresses = new ArrayList<>();
        for (String hostAndPort : hosts.split(",")) {
            String host = hostAndPort.replaceFirst(":[0-9]*$", "");
            if (host.isEmpty() || host.startsWith("[")) {
                continue;
            }
            try {
                for (InetAddress address : InetAddress.getAllByName(host)) {
                    if (address instanceof Inet4Address) {
                        addresses.add(address.getHostAddress());
                    }
                }
            } catch (UnknownHostException e) {
                LOG.warn("could not resolve the database host {} for the egress deny list", host);
            }
        }
        return addresses;
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
