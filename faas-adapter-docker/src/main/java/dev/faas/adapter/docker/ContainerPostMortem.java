package dev.faas.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.WaitResponse;
import dev.faas.python.RunnerExit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine can tell of a container's end: an event when it stops running (the engine's wait, no polling),
 * and, after the fact, whether it still runs, whether the kernel killed it for memory, its exit code and its last
 * lines of output. Never throws: an engine that does not answer leaves what it would have said unknown. Thread-safe.
 */
final class ContainerPostMortem {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerPostMortem.class);
    private static final int LOG_TAIL_LINES = 50;
    private static final int LOG_TAIL_MAX_CHARS = 8 * 1024;
    private static final Duration LOG_READ_TIMEOUT = Duration.ofSeconds(2);

    private final DockerClient docker;

    ContainerPostMortem(DockerClient docker) {
        this.docker = docker;
    }

    /**
     * Completes when the container is no longer running, or is gone. Holds one engine connection until then:
     * cancel it to release that. If the engine cannot be asked, it stays pending (a caller's deadline bounds it).
     */
    CompletableFuture<Void> ended(String containerId) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        ResultCallback.Adapter<WaitResponse> watcher = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(WaitResponse response) {
                ended.complete(null);
            }

            @Override
            public void onError(Throwable failure) {
                if (failure instanceof NotFoundException) {
                    ended.complete(null);
                } else if (!ended.isDone()) {
                    // The engine hiccuped: the container's end stays unknown, the caller's deadline still bounds it.
                    LOG.debug("could not wait for container {}: {}", shortId(containerId), failure.toString());
                }
                closeQuietly(this);
            }
        };
        ended.whenComplete((ignored, failure) -> closeQuietly(watcher));
        try {
            docker.waitContainerCmd(containerId).exec(watcher);
        } catch (NotFoundException e) {
            ended.complete(null);
        } catch (RuntimeException e) {
            LOG.debug("could not wait for container {}: {}", shortId(containerId), e.toString());
        }
        return ended;
    }

    /**
     * The container's end as the engine knows it, with its last output; first waits up to {@code exitWait} for it
     * to stop running, since the engine learns of an exit a few milliseconds after the connection broke.
     */
    RunnerExit explain(String containerId, Duration exitWait) {
        if (!exitWait.isZero()) {
            CompletableFuture<Void> ended = ended(containerId);
            try {
                ended.get(exitWait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // Explained by what inspect says below.
            } finally {
                ended.cancel(false);
            }
        }
        String logs = logTail(containerId);
        try {
            InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(containerId).exec()
                    .getState();
            if (Boolean.TRUE.equals(state.getRunning())) {
                return RunnerExit.running(logs);
            }
            Long exitCode = state.getExitCodeLong();
            return exitCode == null ? RunnerExit.vanished(logs)
                    : RunnerExit.exited(exitCode, Boolean.TRUE.equals(state.getOOMKilled()), logs);
        } catch (NotFoundException e) {
            return RunnerExit.vanished(logs);
        } catch (RuntimeException e) {
            LOG.debug("could not inspect container {}: {}", shortId(containerId), e.toString());
            return RunnerExit.vanished(logs);
        }
    }

    /** The container's last lines of stdout and stderr (the runner's own messages), bounded. */
    String logTail(String containerId) {
        StringBuilder text = new StringBuilder();
        ResultCallback.Adapter<Frame> collector = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                synchronized (text) {
                    text.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
            }
        };
        try (collector) {
            docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTail(LOG_TAIL_LINES)
                    .exec(collector)
                    .awaitCompletion(LOG_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not read the logs of container {}: {}", shortId(containerId), e.toString());
        }
        synchronized (text) {
            return text.length() <= LOG_TAIL_MAX_CHARS ? text.toString()
                    : text.substring(text.length() - LOG_TAIL_MAX_CHARS);
        }
    }

    static String shortId(String containerId) {
        return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    }

    private static void closeQuietly(ResultCallback.Adapter<?> callback) {
        try {
            callback.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not close an engine call: {}", e.toString());
        }
    }
}
