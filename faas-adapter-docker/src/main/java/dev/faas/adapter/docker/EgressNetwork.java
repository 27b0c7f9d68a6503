package dev.faas.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's egress network, which instances of {@code "network": "egress"} versions join: a Docker bridge network
 * the platform creates and labels ({@code faas-egress-<node>}, bridge {@code faaseg-<hash>}), with inter-container
 * traffic disabled so instances cannot reach each other, Docker's embedded DNS, and no IPv6. The host enforces
 * {@link EgressRules} with two iptables chains of the platform's own, jumped to from {@code DOCKER-USER} (what the
 * bridge forwards) and {@code INPUT} (what it sends to the host) for that bridge only. {@link #open} makes all of it
 * exist exactly once, whatever a previous run left (it flushes and refills its chains and keeps one jump each), and
 * {@link #close} removes the rules and the network. Needs {@code iptables} on the engine's host and the right to use
 * it (root or CAP_NET_ADMIN), with the platform in the host's network namespace. Thread-safe: immutable once open.
 */
public final class EgressNetwork implements AutoCloseable {

    /** The label that marks the platform's egress network, beside {@link DockerFunctionRuntime#LABEL_MANAGED}. */
    public static final String LABEL_EGRESS = "faas.egress";
    private static final Logger LOG = LoggerFactory.getLogger(EgressNetwork.class);
    private static final long COMMAND_TIMEOUT_SECONDS = 30;

    private final DockerClient docker;
    private final String name;
    private final String bridge;
    private final String forwardChain;
    private final String inputChain;
    private final String gateway;
    private final String subnet;
    private final Iptables iptables;

    private EgressNetwork(DockerClient docker, String name, String bridge, String hash, String gateway, String subnet,
                          Iptables iptables) {
        this.docker = docker;
        this.name = name;
        this.bridge = bridge;
        this.forwardChain = "FAAS-EG-" + hash;
        this.inputChain = "FAAS-EGIN-" + hash;
        this.gateway = gateway;
        this.subnet = subnet;
        this.iptables = iptables;
    }

    /** Runs one {@code iptables} command (its arguments after the program name); {@link #host()} runs the real one. */
    public interface Iptables {

        /** The command's exit code; its output goes to {@code output} (may be left empty). */
        int run(List<String> arguments, StringBuilder output);

        /** {@code iptables -w} on this host. */
        static Iptables host() {
            return (arguments, output) -> {
                List<String> command = new ArrayList<>(List.of("iptables", "-w"));
                command.addAll(arguments);
                try {
                    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                    output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                    if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        throw new EgressSetupException("'" + String.join(" ", command) + "' did not finish in "
                                + COMMAND_TIMEOUT_SECONDS + " s");
                    }
                    return process.exitValue();
                } catch (IOException e) {
                    throw new EgressSetupException("cannot run iptables (FAAS_EGRESS=on needs it on the Docker"
                            + " engine's host; Debian: apt-get install iptables): " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EgressSetupException("interrupted while running " + String.join(" ", command));
                }
            };
        }
    }

    /** The network or its rules could not be set up; the message says what to fix. */
    public static final class EgressSetupException extends RuntimeException {
        public EgressSetupException(String message) {
            super(message);
        }
    }

    /**
     * Creates (or takes over, when a previous run of this node left it) the network of node {@code nodeId} and
     * installs {@code rules} for it.
     *
     * @throws EgressSetupException when a network of that name exists that is not this node's, or a rule cannot be
     *     installed
     */
    public static EgressNetwork open(DockerClient docker, String nodeId, EgressRules rules, Iptables iptables) {
        Objects.requireNonNull(rules, "rules");
        String hash = hash(nodeId);
        String name = "faas-egress-" + nodeId;
        String bridge = "faaseg-" + hash;
        Network network = ensureNetwork(docker, nodeId, name, bridge);
        Network.Ipam.Config ipam = network.getIpam() == null || network.getIpam().getConfig() == null
                || network.getIpam().getConfig().isEmpty() ? null : network.getIpam().getConfig().get(0);
        EgressNetwork egress = new EgressNetwork(docker, name, bridge, hash, ipam == null ? null : ipam.getGateway(),
                ipam == null ? null : ipam.getSubnet(), iptables);
        egress.install(rules);
        LOG.info("egress network {} (bridge {}, subnet {}) with host rules in {} and {}", name, bridge,
                egress.subnet, egress.forwardChain, egress.inputChain);
        return egress;
    }

    /** The Docker network's name, which egress instances join. */
    public String name() {
        return name;
    }

    /** The Linux bridge of the network, which the host rules match. */
    public String bridge() {
        return bridge;
    }

    /** The host's address on the network (instances' default gateway), or null if the engine did not say. */
    public String gateway() {
        return gateway;
    }

    /** The network's subnet, or null if the engine did not say. */
    public String subnet() {
        return subnet;
    }

    /** The iptables chain filtering what the bridge forwards (jumped to from {@code DOCKER-USER}). */
    public String forwardChain() {
        return forwardChain;
    }

    /** The iptables chain filtering what the bridge sends to the host (jumped to from {@code INPUT}). */
    public String inputChain() {
        return inputChain;
    }

    /** Removes the host rules and the network (the instances on it must be stopped first). Never throws. */
    @Override
    public void close() {
        try {
            removeJumps("DOCKER-USER", forwardChain);
            removeJumps("INPUT", inputChain);
            for (String chain : List.of(forwardChain, inputChain)) {
                iptables.run(List.of("-F", chain), new StringBuilder());
                iptables.run(List.of("-X", chain), new StringBuilder());
            }
        } catch (RuntimeException e) {
            LOG.warn("could not remove the egress rules of {}: {}", bridge, e.toString());
        }
        try {
            docker.removeNetworkCmd(name).exec();
        } catch (NotFoundException e) {
            LOG.debug("egress network {} was already gone", name);
        } catch (RuntimeException e) {
            LOG.warn("could not remove the egress network {}: {}", name, e.toString());
        }
    }

    private void install(EgressRules rules) {
        StringBuilder output = new StringBuilder();
        if (iptables.run(List.of("-S", "DOCKER-USER"), output) != 0) {
            throw new EgressSetupException("the host has no iptables chain DOCKER-USER (" + output.toString().strip()
                    + "): FAAS_EGRESS=on needs a Docker engine that manages iptables, and the platform must run as"
                    + " root (or with CAP_NET_ADMIN) in the host's network namespace");
        }
        fill(forwardChain, rules.forwardRules(forwardChain));
        fill(inputChain, rules.inputRules(inputChain));
        // Exactly one jump each, first in its chain, however many an earlier run left behind.
        removeJumps("DOCKER-USER", forwardChain);
        removeJumps("INPUT", inputChain);
        require(List.of("-I", "DOCKER-USER", "1", "-i", bridge, "-j", forwardChain));
        require(List.of("-I", "INPUT", "1", "-i", bridge, "-j", inputChain));
    }

    private void fill(String chain, List<List<String>> rules) {
        StringBuilder ignored = new StringBuilder();
        if (iptables.run(List.of("-N", chain), ignored) != 0) {
            // It exists: a previous run of this node stopped without removing it.
            require(List.of("-F", chain));
        }
        rules.forEach(this::require);
    }

    private void removeJumps(String from, String chain) {
        List<String> jump = List.of("-i", bridge, "-j", chain);
        for (int i = 0; i < 100; i++) {
            List<String> delete = new ArrayList<>(List.of("-D", from));
            delete.addAll(jump);
            if (iptables.run(delete, new StringBuilder()) != 0) {
                return;
            }
        }
    }

    private void require(List<String> arguments) {
        StringBuilder output = new StringBuilder();
        int exit = iptables.run(arguments, output);
        if (exit != 0) {
            throw new EgressSetupException("'iptables " + String.join(" ", arguments) + "' failed with exit code "
                    + exit + ": " + output.toString().strip());
        }
    }

    private static Network ensureNetwork(DockerClient docker, String nodeId, String name, String bridge) {
        try {
            Network existing = docker.inspectNetworkCmd().withNetworkId(name).exec();
            Map<String, String> labels = existing.getLabels() == null ? Map.of() : existing.getLabels();
            if (!"true".equals(labels.get(LABEL_EGRESS)) || !nodeId.equals(labels.get(DockerFunctionRuntime.LABEL_NODE))
                    || !bridge.equals(existing.getOptions() == null ? null
                    : existing.getOptions().get("com.docker.network.bridge.name"))) {
                throw new EgressSetupException("a Docker network named " + name + " exists and is not this node's"
                        + " egress network (labels " + labels + "): remove it or choose another FAAS_NODE_ID");
            }
            return existing;
        } catch (NotFoundException e) {
            LOG.debug("creating egress network {}", name);
        }
        String id = docker.createNetworkCmd()
                .withName(name)
                .withDriver("bridge")
                .withCheckDuplicate(true)
                .withEnableIpv6(false)
                .withOptions(Map.of(
                        "com.docker.network.bridge.name", bridge,
                        // No traffic between containers on the bridge: one function cannot reach another's instance.
                        "com.docker.network.bridge.enable_icc", "false",
                        "com.docker.network.bridge.enable_ip_masquerade", "true"))
                .withLabels(Map.of(DockerFunctionRuntime.LABEL_MANAGED, "true", DockerFunctionRuntime.LABEL_NODE,
                        nodeId, LABEL_EGRESS, "true"))
                .exec().getId();
        return docker.inspectNetworkCmd().withNetworkId(id).exec();
    }

    /** Eight hex digits of the node id's SHA-256: short enough for a bridge name (15 bytes) and a chain name. */
    static String hash(String nodeId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(nodeId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
