package dev.faas.app.reliability;

import dev.faas.testkit.HostAddresses;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service listening on the host that a sandboxed function must not reach, counting the connections it accepts;
 * shared by the Python and the Node.js abuse suites.
 */
final class HostService implements AutoCloseable {

    private final ServerSocket listener;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;

    private HostService(ServerSocket listener) throws IOException {
        this.listener = listener;
        listener.setSoTimeout(200);
        acceptor = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (Socket ignored = listener.accept()) {
                    accepted.incrementAndGet();
                } catch (SocketTimeoutException again) {
                    // look again
                } catch (IOException closed) {
                    return;
                }
            }
        }, "host-service");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on a free port of every address of the host and accepts in the background. */
    static HostService start() throws IOException {
        ServerSocket listener = new ServerSocket(0);
        try {
            return new HostService(listener);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
    }

    /**
     * The places a function tries to reach, each a host and a port, all on this machine (so no packet could leave it
     * even if the sandbox were broken): PostgreSQL's and the platform's ports on loopback, and this service on
     * loopback, on the Docker bridge's gateway and on the host's other interface if it has one.
     */
    List<List<Object>> targets(int platformPort) {
        int port = listener.getLocalPort();
        List<List<Object>> targets = new ArrayList<>(List.of(List.of("127.0.0.1", 5432),
                List.of("127.0.0.1", platformPort), List.of("127.0.0.1", port), List.of("172.17.0.1", port)));
        HostAddresses.ownNonLoopbackIpv4().ifPresent(address -> targets.add(List.of(address, port)));
        return targets;
    }

    /** How many connections reached this service. */
    int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        acceptor.interrupt();
        listener.close();
    }
}
