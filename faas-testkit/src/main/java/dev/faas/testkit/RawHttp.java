package dev.faas.testkit;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

/** HTTP written by hand on a connection of its own, for requests an HTTP client would normalise or refuse to send. */
public final class RawHttp {

    private RawHttp() {
    }

    /**
     * Writes the parts of {@code request} as they are, in order, to 127.0.0.1:{@code port} and reads the whole answer,
     * until the server closes the connection (so the request should say {@code Connection: close}); each read waits
     * {@code timeout} at most.
     */
    public static byte[] exchange(int port, Duration timeout, byte[]... request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            for (byte[] part : request) {
                socket.getOutputStream().write(part);
            }
            socket.getOutputStream().flush();
            return socket.getInputStream().readAllBytes();
        }
    }
}
