package dev.faas.adapter.docker;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What instances on the egress network may reach, as IPv4 CIDRs, and the iptables commands that enforce it on the
 * host. Checked in this order: DNS (port 53, UDP and TCP) to the host's {@code resolvers}, which Docker's embedded
 * DNS forwards names it does not know to from the instance's own network namespace (often a private or link-local
 * address, else egress instances could resolve no outside name); then {@link #ALWAYS_DENIED} and the node's own addresses (the host's interfaces, the
 * database), then the operator's {@code deny} list ({@code FAAS_EGRESS_DENY}), then the operator's {@code allow} list
 * ({@code FAAS_EGRESS_ALLOW}, which can open only the private ranges), then {@link #PRIVATE_RANGES}; anything else is
 * allowed. Everything sent from the egress bridge to the host itself (the platform's port, the database, any local
 * service) is refused by a second chain on {@code INPUT}, whatever the lists say, but DNS to a resolver there. A refused packet is answered with
 * an ICMP "administratively prohibited", so a function's connect fails at once rather than hanging. The network has
 * no IPv6 at all. Pure: building the commands never runs them. Immutable.
 */
public record EgressRules(List<String> hostAddresses, List<String> deny, List<String> allow,
                          List<String> resolvers) {

    /** Never reachable: "this" network, loopback, link-local and cloud metadata (169.254.169.254), multicast, reserved. */
    public static final List<String> ALWAYS_DENIED = List.of("0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16",
            "224.0.0.0/4", "240.0.0.0/4");
    /** Denied unless {@code FAAS_EGRESS_ALLOW} opens part of them: RFC 1918 and carrier-grade NAT (RFC 6598). */
    public static final List<String> PRIVATE_RANGES = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
            "100.64.0.0/10");

    private static final Pattern IPV4_CIDR = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
                    + "(/(3[0-2]|[12]?[0-9]))?");
    private static final String REJECT = "REJECT";
    private static final List<String> REJECT_WITH = List.of("--reject-with", "icmp-admin-prohibited");

    public EgressRules {
        hostAddresses = checked(hostAddresses, "host address");
        deny = checked(deny, "FAAS_EGRESS_DENY");
        allow = checked(allow, "FAAS_EGRESS_ALLOW");
        resolvers = checked(resolvers, "resolver");
    }

    /** Rules without resolvers: egress instances resolve only the names Docker's DNS knows itself. */
    public EgressRules(List<String> hostAddresses, List<String> deny, List<String> allow) {
        this(hostAddresses, deny, allow, List.of());
    }

    /**
     * {@code list} parsed from a comma- or space-separated CIDR list such as {@code 10.1.0.0/16, 192.0.2.7}.
     *
     * @throws IllegalArgumentException naming {@code variable} and the first entry that is not an IPv4 CIDR
     */
    public static List<String> parseList(String variable, String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        List<String> cidrs = new ArrayList<>();
        for (String entry : list.trim().split("[,\\s]+")) {
            cidrs.add(checkedCidr(entry, variable));
        }
        return List.copyOf(cidrs);
    }

    /** The forward chain, applied to what instances send through the host: every command, in order. */
    List<List<String>> forwardRules(String chain) {
        List<List<String>> rules = new ArrayList<>(dns(chain, resolvers));
        List<String> denied = new ArrayList<>(ALWAYS_DENIED);
        denied.addAll(hostAddresses);
        denied.addAll(deny);
        denied.forEach(cidr -> rules.add(reject(chain, cidr)));
        allow.forEach(cidr -> rules.add(List.of("-A", chain, "-d", cidr, "-j", "RETURN")));
        PRIVATE_RANGES.forEach(cidr -> rules.add(reject(chain, cidr)));
        rules.add(List.of("-A", chain, "-j", "RETURN"));
        return rules;
    }

    /** The input chain: instances reach nothing on the host itself but DNS to a resolver there. */
    List<List<String>> inputRules(String chain) {
        List<List<String>> rules = new ArrayList<>(dns(chain, resolvers));
        List<String> rule = new ArrayList<>(List.of("-A", chain, "-j", REJECT));
        rule.addAll(REJECT_WITH);
        rules.add(List.copyOf(rule));
        return rules;
    }

    private static List<List<String>> dns(String chain, List<String> resolvers) {
        List<List<String>> rules = new ArrayList<>();
        for (String resolver : resolvers) {
            for (String protocol : List.of("udp", "tcp")) {
                rules.add(List.of("-A", chain, "-d", resolver, "-p", protocol, "--dport", "53", "-j", "RETURN"));
            }
        }
        return rules;
    }

    private static List<String> reject(String chain, String cidr) {
        List<String> rule = new ArrayList<>(List.of("-A", chain, "-d", cidr, "-j", REJECT));
        rule.addAll(REJECT_WITH);
        return List.copyOf(rule);
    }

    private static List<String> checked(List<String> cidrs, String what) {
        Objects.requireNonNull(cidrs, what);
        return cidrs.stream().map(cidr -> checkedCidr(cidr, what)).toList();
    }

    private static String checkedCidr(String cidr, String what) {
        if (cidr == null || !IPV4_CIDR.matcher(cidr).matches()) {
            throw new IllegalArgumentException(what + ": '" + cidr + "' is not an IPv4 address or CIDR such as"
                    + " 10.1.0.0/16 (the egress network has no IPv6)");
        }
        return cidr.contains("/") ? cidr : cidr + "/32";
    }
}
