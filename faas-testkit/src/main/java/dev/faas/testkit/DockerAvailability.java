package dev.faas.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * What Docker tests need to know about this machine: the function image under test ({@code FAAS_IMAGE}), whether a
 * missing engine must fail ({@code FAAS_REQUIRE_DOCKER}), and whether the engine answers and holds the image. The
 * engine is asked with two raw HTTP GETs ({@code /_ping}, {@code /images/{name}/json}) on {@code DOCKER_HOST} or
 * {@code /var/run/docker.sock}, so that the testkit needs no Docker client library. Thread-safe.
 */
public final class DockerAvailability {

    /** The image when {@code FAAS_IMAGE} is not set, as the platform's own default. */
    public static final String DEFAULT_IMAGE = "faas-python:latest";

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final Map<String, String> PROBED = new ConcurrentHashMap<>();
    private static final String AVAILABLE = "";

    private DockerAvailability() {
    }

    /** The nodejs function image when {@code FAAS_IMAGE_NODEJS} is not set, as the platform's own default. */
    public static final String DEFAULT_NODE_IMAGE = "faas-nodejs:latest";

    /** The nodejs function image under test: {@code FAAS_IMAGE_NODEJS} (property or environment), else the default. */
    public static String nodeFunctionImage() {
        String configured = System.getProperty("FAAS_IMAGE_NODEJS", System.getenv("FAAS_IMAGE_NODEJS"));
        return configured == null || configured.isBlank() ? DEFAULT_NODE_IMAGE : configured.strip();
    }

    /**
     * Returns when the engine and the nodejs function image are there; otherwise fails the caller when
     * {@link #required()}, else aborts it (a skip) naming the reason and the command that builds the image.
     */
    public static void requireNodeImage() {
        failOrSkipIf(nodeImageUnavailability());
    }

    /**
     * Why nodejs tests cannot run here (no engine, or no nodejs function image, with the command that builds it), or
     * null if they can.
     */
    public static String nodeImageUnavailability() {
        String engine = unavailability(false);
        if (engine != null) {
            return engine;
        }
        String image = nodeFunctionImage();
        String problem = PROBED.computeIfAbsent("image:" + image, key -> probeImage(image));
        return problem.equals(AVAILABLE) ? null
                : problem.replace("python-base/build-image.sh --offline", "nodejs-base/build-image.sh");
    }

    /** The function image under test: system property or environment variable {@code FAAS_IMAGE}, else the default. */
    public static String functionImage() {
        String configured = System.getProperty("FAAS_IMAGE", System.getenv("FAAS_IMAGE"));
        return configured == null || configured.isBlank() ? DEFAULT_IMAGE : configured.strip();
    }

    /** Whether a missing engine or image fails the tests instead of skipping them ({@code FAAS_REQUIRE_DOCKER=true}). */
    public static boolean required() {
        return "true".equalsIgnoreCase(System.getProperty("FAAS_REQUIRE_DOCKER", System.getenv("FAAS_REQUIRE_DOCKER")));
    }

    /** Why Docker tests cannot run here (no engine; with {@code image}, no function image), or null if they can. */
    public static String unavailability(boolean image) {
        String engine = PROBED.computeIfAbsent("_ping", key -> probeEngine());
        if (!engine.equals(AVAILABLE) || !image) {
            return engine.equals(AVAILABLE) ? null : engine;
        }
        String imageProblem = PROBED.computeIfAbsent("image:" + functionImage(), key -> probeImage(functionImage()));
        return imageProblem.equals(AVAILABLE) ? null : imageProblem;
    }

    /**
     * Returns when the engine (and with {@code image} the function image) is there; otherwise fails the caller when
     * {@link #required()}, else aborts it (a skip) naming the reason. For code that cannot carry {@link RequiresDocker}.
     */
    public static void require(boolean image) {
        failOrSkipIf(unavailability(image));
    }

    private static void failOrSkipIf(String problem) {
        if (problem == null) {
            return;
        }
        if (required()) {
            throw new AssertionError("FAAS_REQUIRE_DOCKER=true but " + problem);
        }
        Assumptions.abort("skipped: " + problem + " (with FAAS_REQUIRE_DOCKER=true this fails instead)");
    }

    private static String probeEngine() {
        try {
            int status = get("/_ping");
            return status == 200 ? AVAILABLE : "the Docker engine at " + endpoint() + " answers /_ping with " + status;
        } catch (IOException e) {
            return "no Docker engine answers at " + endpoint() + " (DOCKER_HOST or /var/run/docker.sock): " + e;
        }
    }

    private static String probeImage(String image) {
        try {
            int status = get("/images/" + URLEncoder.encode(image, StandardCharsets.UTF_8).replace("%2F", "/")
                    .replace("%3A", ":") + "/json");
            if (status == 200) {
                return AVAILABLE;
            }
            String tag = DEFAULT_IMAGE.equals(image) ? "" : " --tag " + image;
            return "the function image '" + image + "' is not on the Docker engine (" + status + "); build it with "
                    + "python-base/build-image.sh --offline" + tag;
        } catch (IOException e) {
            return "the Docker engine at " + endpoint() + " did not answer about the image " + image + ": " + e;
        }
    }

    private static String endpoint() {
        String host = System.getenv("DOCKER_HOST");
        return host == null || host.isBlank() ? "unix:///var/run/docker.sock" : host.strip();
    }

    private static SocketAddress address() throws IOException {
        URI uri = URI.create(endpoint());
        return switch (uri.getScheme()) {
            case "unix" -> UnixDomainSocketAddress.of(uri.getPath());
            case "tcp", "http" -> new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 2375 : uri.getPort());
            default -> throw new IOException("unsupported DOCKER_HOST " + uri);
        };
    }

    /** One HTTP/1.0 GET (the engine closes the connection after its answer); returns the status code. */
    private static int get(String path) throws IOException {
        SocketAddress address = address();
        FutureTask<Integer> exchange = new FutureTask<>(() -> {
            try (SocketChannel channel = address instanceof UnixDomainSocketAddress
                    ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open()) {
                channel.connect(address);
                channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII)));
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                ByteBuffer buffer = ByteBuffer.allocate(256);
                while (head.toString(StandardCharsets.US_ASCII).indexOf('\n') < 0 && channel.read(buffer) >= 0) {
                    head.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
                String statusLine = head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
                String[] parts = statusLine.split(" ");
                if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                    throw new IOException("not an HTTP answer: " + statusLine);
                }
                return Integer.parseInt(parts[1]);
            }
        });
        Thread probe = new Thread(exchange, "docker-test-probe");
        probe.setDaemon(true);
        probe.start();
        try {
            return exchange.get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (TimeoutException e) {
            probe.interrupt();
            throw new IOException("no answer within " + PROBE_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }
}
