package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import dev.faas.testkit.Closing;
import dev.faas.testkit.HostAddresses;
import dev.faas.testkit.RequiresDocker;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Network egress on real Docker, against test hosts this test creates on this machine (network namespaces joined
 * by veth pairs, see {@link NamespaceTestHost}): one in TEST-NET-2 (198.51.100.0/24), which the default policy
 * allows, and one in 10.123.0.0/24, a private range it denies. An egress function reaches the first and resolves a
 * name through Docker's DNS; it cannot reach the denied host, the platform's port on the host's addresses, nor another
 * function's instance; a function without network reaches nothing; pre-warmed instances have no network. Each denial
 * has its positive control: the target answers the host itself. Nothing is sent to a public or metadata address.
 */
@Tag("docker")
@Tag("reliability")
@RequiresDocker
class EgressNetworkAbuseTest {

    private static final int LISTENER_PORT = 9000;

    /** Opens connections and URLs as asked, and reports what happened. */
    private static final String PROBE = """
            import socket, urllib.request
            def user_function(action, host=None, port=None, url=None):
                try:
                    if action == "get":
                        with urllib.request.urlopen(url, timeout=10) as reply:
                            return {"ok": True, "body": reply.read().decode()}
                    if action == "connect":
                        with socket.create_connection((host, int(port)), timeout=5):
                            return {"ok": True}
                    if action == "resolve":
                        return {"ok": True, "address": socket.gethostbyname(host)}
                    if action == "interfaces":
                        return {"ok": True, "names": sorted(name for _, name in socket.if_nameindex())}
                except Exception as error:
                    return {"ok": False, "error": repr(error)}
                return {"ok": False, "error": "unknown action"}
            """;

    /**
     * Listens on every address of its instance and says "leak" to whoever connects; returns its name, its address
     * and what it reads connecting to that address itself (the positive control: the host's rules refuse the host
     * itself any traffic from the egress bridge, replies included, so the host cannot check it).
     */
    private static final String LISTENER = """
            import socket, threading
            server = None
            def serve():
                while True:
                    connection, _ = server.accept()
                    connection.sendall(b"leak")
                    connection.close()
            def user_function():
                global server
                if server is None:
                    server = socket.socket()
                    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    server.bind(("0.0.0.0", %d))
                    server.listen(8)
                    threading.Thread(target=serve, daemon=True).start()
                address = socket.gethostbyname(socket.gethostname())
                with socket.create_connection((address, %d), timeout=5) as own:
                    heard = own.recv(16).decode()
                return {"address": address, "self": heard}
            """.formatted(LISTENER_PORT, LISTENER_PORT);

    @RegisterExtension
    static final CanaryServer SERVER = CanaryServer.onDocker("regress", Map.of("FAAS_EGRESS", "on",
            "FAAS_PREWARM", "1", "FAAS_BIND", "0.0.0.0", "FAAS_ALLOW_UNAUTHENTICATED", "true"));

    private static NamespaceTestHost allowedHost;
    private static NamespaceTestHost deniedHost;

    private final Api api = SERVER.api();

    @BeforeAll
    static void createTestHosts() throws Exception {
        allowedHost = NamespaceTestHost.create("a", "198.51.100");
        deniedHost = NamespaceTestHost.create("d", "10.123.0");
    }

    @AfterAll
    static void deleteTestHosts() throws Exception {
        Closing.all(allowedHost, deniedHost);
    }

    @Test
    void egressFunction_reachesTheAllowedTestHost_startingCold_whilePrewarmedInstancesHaveNoNetwork() {
        String id = register("reach", PROBE, "egress");

        Api.Reply first = api.invoke(id, Map.of("action", "get", "url", allowedHost.url()));

        assertThat(first.result().path("body").asText()).as(first.body()).isEqualTo(allowedHost.greeting());
        assertThat(first.header("X-Faas-Start")).as("an egress version never takes a pre-warmed instance")
                .isEqualTo("cold");
        assertThat(api.get("/functions/reach").json().path("versions").get(0).path("network").asText())
                .isEqualTo("egress");
        assertThat(api.get("/metrics").body()).containsPattern("(?m)^faas_egress_instances [1-9]");
        List<Container> prewarmed = SERVER.docker().running(SERVER.node()).stream()
                .filter(container -> "prewarm".equals(container.getLabels().get("faas.function"))).toList();
        assertThat(prewarmed).as("the pre-warm stock").isNotEmpty();
        prewarmed.forEach(container -> assertThat(container.getHostConfig().getNetworkMode()).isEqualTo("none"));
    }

    @Test
    void egressFunction_cannotReachATestHostInADeniedPrivateRange() {
        String id = register("denied", PROBE, "egress");

        JsonNode attempt = api.invoke(id, Map.of("action", "get", "url", deniedHost.url())).result();

        assertThat(deniedHost.answersFromHost()).as("the denied test host is up").isTrue();
        assertThat(attempt.path("ok").asBoolean()).as(attempt.toString()).isFalse();
        // The same function does reach the allowed host: the denial is the rule's, not a broken network.
        assertThat(api.invoke(id, Map.of("action", "get", "url", allowedHost.url())).result().path("ok").asBoolean())
                .isTrue();
    }

    @Test
    void egressFunction_cannotReachThePlatformsPortOnTheHostsAddresses() throws Exception {
        String id = register("hostport", PROBE, "egress");
        api.invoke(id, Map.of("action", "interfaces")).result();
        String gateway = egressNetwork().getIpam().getConfig().get(0).getGateway();
        int port = SERVER.server().port();
        List<String> hostAddresses = new java.util.ArrayList<>(List.of(gateway));
        HostAddresses.ownNonLoopbackIpv4().ifPresent(hostAddresses::add);

        for (String address : hostAddresses) {
            assertThat(connectsFromHost(address, port)).as("the platform listens on %s:%d", address, port).isTrue();
            JsonNode attempt = api.invoke(id, Map.of("action", "connect", "host", address, "port", port)).result();
            assertThat(attempt.path("ok").asBoolean()).as("%s:%d from an egress instance: %s", address, port, attempt)
                    .isFalse();
        }
    }

    @Test
    void egressFunction_resolvesAnotherInstancesName_butCannotReachIt() throws Exception {
        String listenerId = register("listener", LISTENER, "egress");
        JsonNode listening = api.invoke(listenerId).result();
        Container listener = SERVER.docker().running(SERVER.node()).stream()
                .filter(container -> listenerId.equals(container.getLabels().get("faas.function"))).findFirst()
                .orElseThrow();
        String name = listener.getNames()[0].substring(1);
        String address = listener.getNetworkSettings().getNetworks().get("faas-egress-" + SERVER.node())
                .getIpAddress();
        assertThat(listening.path("address").asText()).isEqualTo(address);
        assertThat(listening.path("self").asText()).as("the listener answers on its address").isEqualTo("leak");
        String probeId = register("neighbour", PROBE, "egress");

        JsonNode resolved = api.invoke(probeId, Map.of("action", "resolve", "host", name)).result();
        JsonNode connected = api.invoke(probeId, Map.of("action", "connect", "host", address,
                "port", LISTENER_PORT)).result();

        assertThat(resolved.path("address").asText()).as(resolved.toString()).isEqualTo(address);
        assertThat(connected.path("ok").asBoolean()).as(connected.toString()).isFalse();
    }

    @Test
    void functionWithoutNetwork_reachesNothing() {
        String id = register("offline", PROBE, "none");

        JsonNode interfaces = api.invoke(id, Map.of("action", "interfaces")).result();
        JsonNode attempt = api.invoke(id, Map.of("action", "get", "url", allowedHost.url())).result();

        assertThat(interfaces.path("names")).extracting(JsonNode::asText).containsExactly("lo");
        assertThat(attempt.path("ok").asBoolean()).as(attempt.toString()).isFalse();
        assertThat(allowedHost.answersFromHost()).isTrue();
    }

    @Test
    void unknownNetworkMode_isA400NamingTheField() {
        Api.Reply reply = api.post("/register", body("bad", PROBE, "bridge").toString());

        assertThat(reply.problem(400, "invalid-request").path("field").asText()).isEqualTo("network");
    }

    private String register(String name, String code, String network) {
        return api.post("/register", body(name, code, network).toString()).result().asText();
    }

    private static ObjectNode body(String name, String code, String network) {
        return Api.JSON.createObjectNode().put("name", name).put("code", code).put("network", network);
    }

    private static Network egressNetwork() {
        return SERVER.docker().client().inspectNetworkCmd().withNetworkId("faas-egress-" + SERVER.node()).exec();
    }

    private static boolean connectsFromHost(String address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
