package dev.faas.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.VersionOptions;
import dev.faas.ports.out.InstanceSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The egress deny list as iptables rules, the container of an egress version, and the OCI runtime choice. */
class EgressRulesTest {

    private static final Path SOCKETS = Path.of("/run/faas-sockets");
    private static final InstanceSpec EGRESS = new InstanceSpec(FunctionId.parse("fetch-1"), 256,
            VersionOptions.DEFAULT_RUNTIME, VersionOptions.NETWORK_EGRESS);

    @Test
    void forwardRules_denyMetadataAndTheHostFirst_thenTheOperatorsDenies_thenAllows_thenPrivateRanges() {
        EgressRules rules = new EgressRules(List.of("192.0.2.2"), List.of("203.0.113.0/24"), List.of("10.1.0.0/16"));

        List<String> targets = rules.forwardRules("FAAS-EG-1").stream()
                .map(rule -> rule.contains("-d") ? rule.get(rule.indexOf("-d") + 1) + " " + rule.get(rule.indexOf("-j") + 1)
                        : "* " + rule.get(rule.indexOf("-j") + 1))
                .toList();

        assertThat(targets).containsExactly("0.0.0.0/8 REJECT", "127.0.0.0/8 REJECT", "169.254.0.0/16 REJECT",
                "224.0.0.0/4 REJECT", "240.0.0.0/4 REJECT", "192.0.2.2/32 REJECT", "203.0.113.0/24 REJECT",
                "10.1.0.0/16 RETURN", "10.0.0.0/8 REJECT", "172.16.0.0/12 REJECT", "192.168.0.0/16 REJECT",
                "100.64.0.0/10 REJECT", "* RETURN");
        assertThat(rules.forwardRules("FAAS-EG-1")).allSatisfy(rule ->
                assertThat(rule.subList(0, 2)).containsExactly("-A", "FAAS-EG-1"));
        assertThat(rules.inputRules("FAAS-EGIN-1")).containsExactly(
                List.of("-A", "FAAS-EGIN-1", "-j", "REJECT", "--reject-with", "icmp-admin-prohibited"));
    }

    @Test
    void theHostsResolvers_areReachableOnPort53Only_beforeAnyDenial() {
        EgressRules rules = new EgressRules(List.of(), List.of(), List.of(), List.of("10.255.255.53"));

        List<List<String>> forward = rules.forwardRules("FAAS-EG-1");
        List<List<String>> input = rules.inputRules("FAAS-EGIN-1");

        assertThat(forward.subList(0, 2)).containsExactly(
                List.of("-A", "FAAS-EG-1", "-d", "10.255.255.53/32", "-p", "udp", "--dport", "53", "-j", "RETURN"),
                List.of("-A", "FAAS-EG-1", "-d", "10.255.255.53/32", "-p", "tcp", "--dport", "53", "-j", "RETURN"));
        assertThat(forward.subList(2, forward.size())).allSatisfy(rule -> assertThat(rule).doesNotContain("53"));
        assertThat(forward).contains(List.of("-A", "FAAS-EG-1", "-d", "10.0.0.0/8", "-j", "REJECT",
                "--reject-with", "icmp-admin-prohibited"));
        assertThat(input).hasSize(3);
        assertThat(input.get(2)).containsExactly("-A", "FAAS-EGIN-1", "-j", "REJECT", "--reject-with",
                "icmp-admin-prohibited");
    }

    @Test
    void parseList_takesCommaOrSpaceSeparatedIpv4Cidrs_andNamesTheVariableOfABadOne() {
        assertThat(EgressRules.parseList("FAAS_EGRESS_ALLOW", " 10.1.0.0/16, 192.0.2.7 203.0.113.0/24"))
                .containsExactly("10.1.0.0/16", "192.0.2.7/32", "203.0.113.0/24");
        assertThat(EgressRules.parseList("FAAS_EGRESS_ALLOW", null)).isEmpty();
        for (String bad : List.of("10.1.0.0/33", "300.1.2.3", "fd00::/8", "example.com", "10.1.0.0/16; rm -rf")) {
            assertThatThrownBy(() -> EgressRules.parseList("FAAS_EGRESS_DENY", bad))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FAAS_EGRESS_DENY");
        }
    }

    @Test
    void egressInstance_joinsTheEgressNetwork_andAnInstanceWithoutNetworkStillHasNone() {
        ContainerSpecFactory factory = new ContainerSpecFactory(DockerRuntimeSettings.defaults("node-1", SOCKETS)
                .withEgressNetwork("faas-egress-node-1"));

        assertThat(factory.create("node-1-1-abcdef", EGRESS, SOCKETS.resolve("a")).hostConfig().getNetworkMode())
                .isEqualTo("faas-egress-node-1");
        assertThat(factory.create("node-1-2-abcdef", InstanceSpec.prewarm(256), SOCKETS.resolve("b")).hostConfig()
                .getNetworkMode()).isEqualTo("none");
    }

    @Test
    void egressInstance_onANodeWithoutEgress_cannotStart() {
        ContainerSpecFactory factory = new ContainerSpecFactory(DockerRuntimeSettings.defaults("node-1", SOCKETS));

        assertThatThrownBy(() -> factory.create("node-1-1-abcdef", EGRESS, SOCKETS.resolve("a")))
                .isInstanceOf(UnableToStartInstanceException.class).hasMessageContaining("FAAS_EGRESS=on");
    }

    @Test
    void ociRuntime_isSetOnEveryContainer_onlyWhenConfigured() {
        ContainerSpecFactory gvisor = new ContainerSpecFactory(DockerRuntimeSettings.defaults("node-1", SOCKETS)
                .withOciRuntime("runsc-faas"));
        ContainerSpecFactory plain = new ContainerSpecFactory(DockerRuntimeSettings.defaults("node-1", SOCKETS));

        assertThat(gvisor.create("node-1-1-abcdef", InstanceSpec.prewarm(256), SOCKETS.resolve("a")).hostConfig()
                .getRuntime()).isEqualTo("runsc-faas");
        assertThat(plain.create("node-1-1-abcdef", InstanceSpec.prewarm(256), SOCKETS.resolve("a")).hostConfig()
                .getRuntime()).isNull();
        assertThat(DockerFunctionRuntime.missingOciRuntimeMessage("runsc-faas"))
                .contains("apt-get install runsc", "daemon.json", "--host-uds=open");
    }
}
