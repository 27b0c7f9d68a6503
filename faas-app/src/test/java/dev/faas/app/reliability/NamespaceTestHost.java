package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A test host on this machine: a network namespace the test creates, joined to the host by a veth pair, with one
 * address ({@code address}, on a /24 whose {@code .1} is the host's side) and a small HTTP server on port
 * {@value #PORT} answering {@link #greeting()}. Before anything uses it, {@link #create} checks the subnet is not
 * already on this machine and that {@code ip route get} sends the address into the veth, so no packet meant for it
 * can leave the machine. Nothing is ever sent to a public or metadata address. Closing deletes the namespace (and
 * with it the veth pair and the server).
 *
 * @param namespace the network namespace's name
 * @param address the test host's address
 * @param greeting what its server answers
 * @param server the server's process
 */
record NamespaceTestHost(String namespace, String address, String greeting, Process server) implements AutoCloseable {

    static final int PORT = 8080;

    // socketserver.TCPServer, not http.server.HTTPServer: the latter looks up its own name when it binds, which
    // hangs in a namespace without DNS.
    private static final String SERVER = """
            import socketserver, sys
            greeting = sys.argv[1].encode()
            class Handler(socketserver.StreamRequestHandler):
                def handle(self):
                    self.rfile.readline()
                    self.wfile.write(b"HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: "
                                     + str(len(greeting)).encode() + b"\\r\\n\\r\\n" + greeting)
            socketserver.TCPServer.allow_reuse_address = True
            with socketserver.TCPServer(("0.0.0.0", int(sys.argv[2])), Handler) as server:
                server.serve_forever()
            """;

    // One line per request: its path without the leading '/', appended to the file named by argv[1] (O_APPEND, one
    // write per line, so concurrent requests never interleave); a connection that sends nothing is not recorded.
    private static final String RECORDER = """
            import os, socketserver, sys
            journal = sys.argv[1]
            class Handler(socketserver.StreamRequestHandler):
                def handle(self):
                    request = self.rfile.readline().decode("latin-1").split()
                    if len(request) < 2:
                        return
                    while self.rfile.readline() not in (b"\\r\\n", b"\\n", b""):
                        pass
                    fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                    try:
                        os.write(fd, (request[1].lstrip("/") + "\\n").encode())
                    finally:
                        os.close(fd)
                    self.wfile.write(b"HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n"
                                     b"Content-Length: 2\\r\\n\\r\\nok")
            class Server(socketserver.ThreadingTCPServer):
                allow_reuse_address = True
                daemon_threads = True
                request_queue_size = 128
            with Server(("0.0.0.0", int(sys.argv[2])), Handler) as server:
                server.serve_forever()
            """;

    /** A test host at {@code prefix + ".10"}, the host's side at {@code prefix + ".1"}, on {@code prefix + ".0/24"}. */
    static NamespaceTestHost create(String label, String prefix) throws Exception {
        String address = prefix + ".10";
        String greeting = "hello from test host " + address;
        return create(label, prefix, greeting, SERVER, greeting);
    }

    /**
     * As {@link #create}, with a server that records each request's path (without its leading '/') as one line of
     * {@code journal} and answers "ok": a function can count its own runs there, through the network alone.
     */
    static NamespaceTestHost recording(String label, String prefix, Path journal) throws Exception {
        return create(label, prefix, "ok", RECORDER, journal.toString());
    }

    private static NamespaceTestHost create(String label, String prefix, String greeting, String serverCode,
                                            String serverArgument) throws Exception {
        String suffix = Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xefff));
        String namespace = "f17" + label + suffix;
        String hostSide = "f17" + label + suffix + "h";
        String inside = "f17" + label + suffix + "n";
        String address = prefix + ".10";
        String hostAddress = prefix + ".1";
        assertThat(run("ip", "-4", "-o", "addr")).as("the subnet %s.0/24 must be free on this machine", prefix)
                .doesNotContain(" " + prefix + ".");
        run("ip", "netns", "add", namespace);
        try {
            run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", inside);
            run("ip", "link", "set", inside, "netns", namespace);
            run("ip", "addr", "add", hostAddress + "/24", "dev", hostSide);
            run("ip", "link", "set", hostSide, "up");
            inNamespace(namespace, "ip", "link", "set", "lo", "up");
            inNamespace(namespace, "ip", "addr", "add", address + "/24", "dev", inside);
            inNamespace(namespace, "ip", "link", "set", inside, "up");
            inNamespace(namespace, "ip", "route", "add", "default", "via", hostAddress);
            assertThat(run("ip", "route", "get", address)).as("the host routes %s into the test veth", address)
                    .contains("dev " + hostSide);
            Process server = new ProcessBuilder("ip", "netns", "exec", namespace, "python3", "-c", serverCode,
                    serverArgument, Integer.toString(PORT)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            NamespaceTestHost host = new NamespaceTestHost(namespace, address, greeting, server);
            await("the test host's server at " + address).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50)).until(host::answersFromHost);
            return host;
        } catch (Exception | AssertionError e) {
            run("ip", "netns", "del", namespace);
            throw e;
        }
    }

    String url() {
        return "http://" + address + ":" + PORT + "/";
    }

    /** Whether the server answers a connection from the host itself (the positive control of each denial). */
    boolean answersFromHost() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, PORT), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        server.destroyForcibly();
        server.waitFor(10, TimeUnit.SECONDS);
        run("ip", "netns", "del", namespace);
    }

    private static void inNamespace(String namespace, String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        run(full.toArray(String[]::new));
    }

    static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }
}
