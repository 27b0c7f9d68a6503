package dev.faas.domain.readiness;

import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.ports.in.ReadinessUseCase;
import dev.faas.ports.model.Readiness;
import dev.faas.ports.model.Readiness.Check;
import dev.faas.ports.out.FunctionRepository;
import dev.faas.ports.out.FunctionRuntime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Checks the store (one cheap read) and the runtime ({@link FunctionRuntime#available()}) in parallel, each bounded
 * by a deadline. A check still running when the next probe comes is joined rather than started again, so a hung
 * dependency never piles up threads. Logs each check's change of state. Thread-safe.
 */
public final class ReadinessService implements ReadinessUseCase, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ReadinessService.class.getName());

    private final String node;
    private final Duration deadline;
    private final ExecutorService checks;
    private final SingleFlight store;
    private final SingleFlight runtime;

    /** @param deadline the longest a probe waits for a check; past it the check counts as down */
    public ReadinessService(FunctionRepository repository, FunctionRuntime functionRuntime, Duration deadline) {
        this(null, repository, functionRuntime, deadline);
    }

    /**
     * @param node     this node's id, which every answer carries; null for none
     * @param deadline the longest a probe waits for a check; past it the check counts as down
     */
    public ReadinessService(String node, FunctionRepository repository, FunctionRuntime functionRuntime,
                            Duration deadline) {
        this.node = node;
        this.deadline = deadline;
        this.checks = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "faas-readiness");
            thread.setDaemon(true);
            return thread;
        });
        this.store = new SingleFlight(Readiness.STORE, () -> checkStore(repository));
        this.runtime = new SingleFlight(Readiness.RUNTIME, () -> checkRuntime(functionRuntime));
    }

    @Override
    public Readiness readiness() {
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        CompletableFuture<Check> storeCheck = store.start();
        CompletableFuture<Check> runtimeCheck = runtime.start();
        return new Readiness(node, List.of(store.await(storeCheck, deadlineNanos),
                runtime.await(runtimeCheck, deadlineNanos)));
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }

    private static Check checkStore(FunctionRepository repository) {
        try {
            repository.list(null, 1);
            return Check.up(Readiness.STORE);
        } catch (RepositoryUnavailableException e) {
            // The message names the database: for the operator's log only.
            LOG.log(System.Logger.Level.DEBUG, "readiness: " + e.getMessage());
            return Check.down(Readiness.STORE, "the function store cannot be reached");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "readiness: the store check failed", e);
            return Check.down(Readiness.STORE, "the function store failed to answer");
        }
    }

    private static Check checkRuntime(FunctionRuntime runtime) {
        try {
            return runtime.available() ? Check.up(Readiness.RUNTIME)
                    : Check.down(Readiness.RUNTIME, "the " + runtime.name() + " runtime cannot start instances");
        } catch (RuntimeException e) {
            return Check.down(Readiness.RUNTIME, "the " + runtime.name() + " runtime failed to answer");
        }
    }

    /** One dependency's check: at most one run at a time, shared by every probe that arrives meanwhile. */
    private final class SingleFlight {

        private final String name;
        private final Supplier<Check> check;
        private final AtomicReference<CompletableFuture<Check>> running = new AtomicReference<>();
        private volatile Boolean lastUp;

        SingleFlight(String name, Supplier<Check> check) {
            this.name = name;
            this.check = check;
        }

        CompletableFuture<Check> start() {
            while (true) {
                CompletableFuture<Check> current = running.get();
                if (current != null && !current.isDone()) {
                    return current;
                }
                CompletableFuture<Check> next = new CompletableFuture<>();
                if (running.compareAndSet(current, next)) {
                    try {
                        checks.execute(() -> next.complete(check.get()));
                    } catch (RuntimeException rejected) {
                        next.complete(Check.down(name, "the node is shutting down"));
                    }
                    return next;
                }
            }
        }

        Check await(CompletableFuture<Check> pending, long deadlineNanos) {
            Check result;
            try {
                result = pending.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                result = Check.down(name, "the " + name + " did not answer within " + deadline.toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = Check.down(name, "the check was interrupted");
            } catch (ExecutionException e) {
                result = Check.down(name, "the check failed");
            }
            logChange(result);
            return result;
        }

        private void logChange(Check result) {
            Boolean previous = lastUp;
            lastUp = result.up();
            if (previous != null && previous != result.up()) {
                LOG.log(result.up() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                        "readiness: " + name + " is " + (result.up() ? "up again" : "down: " + result.reason()));
            } else if (previous == null && !result.up()) {
                LOG.log(System.Logger.Level.WARNING, "readiness: " + name + " is down: " + result.reason());
            }
        }
    }
}
