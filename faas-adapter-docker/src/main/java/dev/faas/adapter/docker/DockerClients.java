package dev.faas.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Builds the one {@link DockerClient} a process needs, the standard way: the engine found as the docker CLI finds
 * it ({@code DOCKER_HOST}, else {@code unix:///var/run/docker.sock}), over Apache HttpClient 5. Stateless; the
 * clients it builds are thread-safe and belong to the caller, who closes them at shutdown.
 */
public final class DockerClients {

    /**
     * Enough for every instance's calls at once: the runtime holds a connection open between API calls only while a
     * container starts (the engine's wait, which tells of its end).
     */
    public static final int MAX_CONNECTIONS = 100;
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /** Generous: removing a container whose processes are stuck in the kernel can take a while. */
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    private DockerClients() {
    }

    /** A client of the engine named by the environment ({@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY}...). */
    public static DockerClient create() {
        return create(DefaultDockerClientConfig.createDefaultConfigBuilder().build());
    }

    /** A client of the engine at {@code dockerHost}, such as {@code unix:///var/run/docker.sock}. */
    public static DockerClient create(String dockerHost) {
        return create(DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build());
    }

    private static DockerClient create(DockerClientConfig config) {
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(MAX_CONNECTIONS)
                .connectionTimeout(CONNECTION_TIMEOUT)
                .responseTimeout(RESPONSE_TIMEOUT)
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    /** Whether the engine answers a ping within two seconds; never throws. */
    public static boolean engineAvailable(DockerClient docker) {
        return engineAvailable(docker, Duration.ofSeconds(2));
    }

    /**
     * Whether the engine answers a ping within {@code timeout}; never throws. For choosing a runtime at startup: a
     * missing socket fails at once, a hung engine after {@code timeout}.
     */
    public static boolean engineAvailable(DockerClient docker, Duration timeout) {
        FutureTask<Void> ping = new FutureTask<>(() -> {
            docker.pingCmd().exec();
            return null;
        });
        Thread pinger = new Thread(ping, "faas-docker-ping");
        pinger.setDaemon(true);
        pinger.start();
        try {
            ping.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            ping.cancel(true);
            return false;
        }
    }
}
