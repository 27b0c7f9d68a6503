package dev.faas.testkit;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Optional;

/**
 * Addresses of this machine for tests that prove a sandbox cannot reach out: a target on this host itself, so that
 * no packet could ever leave the machine even if the sandbox were broken.
 */
public final class HostAddresses {

    private HostAddresses() {
    }

    /**
     * An IPv4 address of one of this host's own interfaces that is up, neither loopback nor a container bridge
     * ({@code docker*}, {@code br-*}, {@code veth*}); empty when the host has none.
     */
    public static Optional<String> ownNonLoopbackIpv4() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                String name = nic.getName();
                if (!nic.isUp() || nic.isLoopback() || name.startsWith("docker") || name.startsWith("br-")
                        || name.startsWith("veth")) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
                        return Optional.of(address.getHostAddress());
                    }
                }
            }
        } catch (SocketException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
