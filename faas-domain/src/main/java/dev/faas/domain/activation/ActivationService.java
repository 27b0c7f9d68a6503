package dev.faas.domain.activation;

import dev.faas.domain.invocation.Invoker;
import dev.faas.ports.error.ActivationNotFoundException;
import dev.faas.ports.error.AsyncQueueFullException;
import dev.faas.ports.error.CapacityExceededException;
import dev.faas.ports.error.FunctionCodeException;
import dev.faas.ports.error.InstanceTimeoutException;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.in.ActivationsUseCase;
import dev.faas.ports.in.InvokeAsyncCommand;
import dev.faas.ports.in.InvokeAsyncUseCase;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationId;
import dev.faas.ports.model.ActivationOutcome;
import dev.faas.ports.model.ActivationQuery;
import dev.faas.ports.model.ActivationStatus;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.out.ActivationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Asynchronous calls and activation records. A call is queued in the {@link ActivationStore} and run by whichever
 * node sharing the store has a free slot: one dispatcher thread per node claims queued calls, oldest first, up to the
 * node's {@link AsyncSettings#slots share} of instances, and runs each through the {@link Invoker} like a
 * synchronous call (so the function's limits and the pool's capacity apply). While a call runs the node renews its
 * lease; a node that dies stops renewing, and every node's dispatcher queues the lost call again while it has
 * attempts left (its version's {@code maxAttempts}). A call the pool has no room for, or for which no instance would
 * start, goes back to the queue, that run not counted (the function never ran), until it expires. A function's own
 * failure is final.
 *
 * <p>The dispatcher waits on a condition: woken by a call submitted or ended here, else after the poll interval (for
 * calls queued through other nodes, lost leases and pruning). Times come from the injected clock. Thread-safe.
 */
public final class ActivationService implements InvokeAsyncUseCase, ActivationsUseCase, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ActivationService.class.getName());
    /** How many lost or expired calls one housekeeping round handles at most. */
    private static final int RECOVER_BATCH = 500;

    private final ActivationStore store;
    private final Invoker invoker;
    private final AsyncSettings settings;
    private final Clock clock;
    private final String nodeId;
    private final Function<RuntimeException, String> problemTypes;
    private final ActivationListener listener;
    private final ExecutorService workers;
    private final java.util.function.Consumer<String> callbackCheck;
    /** The calls this node runs now, by id, with the attempt it holds. */
    private final Map<ActivationId, Activation> running = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean signalled;
    private volatile boolean closed;
    /** Set when a call went back to the queue for want of room: the dispatcher then waits before claiming again. */
    private volatile boolean shortOfRoom;
    private Thread dispatcher;
    private Thread leaseKeeper;
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
    private Instant nextHousekeeping = Instant.MIN;

    /**
     * @param problemTypes the stable problem type of a failure ({@code function-error}, ...), as the API reports it
     * @param workers      runs the calls; {@link #close} shuts it down, so give the service one of its own
     */
    public ActivationService(ActivationStore store, Invoker invoker, AsyncSettings settings, Clock clock,
                             String nodeId, Function<RuntimeException, String> problemTypes,
                             ActivationListener listener, ExecutorService workers) {
        this(store, invoker, settings, clock, nodeId, problemTypes, listener, workers, NO_CALLBACKS);
    }

    /** Refuses every callback URL: callbacks are not configured. */
    public static final java.util.function.Consumer<String> NO_CALLBACKS = url -> {
        throw new dev.faas.ports.error.InvalidRequestException("callbackUrl",
                "callbacks are not enabled on this server (FAAS_CALLBACK_KEY is not set)");
    };

    /**
     * @param callbackCheck throws {@link dev.faas.ports.error.InvalidRequestException} for a callback URL the
     *                      platform must not call
     */
    public ActivationService(ActivationStore store, Invoker invoker, AsyncSettings settings, Clock clock,
                             String nodeId, Function<RuntimeException, String> problemTypes,
                             ActivationListener listener, ExecutorService workers,
                             java.util.function.Consumer<String> callbackCheck) {
        this.store = Objects.requireNonNull(store, "store");
        this.invoker = Objects.requireNonNull(invoker, "invoker");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.problemTypes = Objects.requireNonNull(problemTypes, "problemTypes");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.callbackCheck = Objects.requireNonNull(callbackCheck, "callbackCheck");
    }

    /**
     * Starts the dispatcher thread, and the thread that renews this node's leases every third of a lease: a thread
     * of its own, so a slow claim or a full connection pool never delays a renewal into a lost call.
     */
    public synchronized ActivationService start() {
        if (dispatcher == null) {
            dispatcher = new Thread(this::dispatchLoop, "faas-async-dispatcher");
            dispatcher.setDaemon(true);
            dispatcher.start();
            leaseKeeper = new Thread(this::renewLoop, "faas-async-lease");
            leaseKeeper.setDaemon(true);
            leaseKeeper.start();
        }
        return this;
    }

    @Override
    public Activation submit(InvokeAsyncCommand command) {
        if (command.callbackUrl() != null) {
            callbackCheck.accept(command.callbackUrl());
        }
        FunctionDefinition definition = invoker.definition(command.call().functionId());
        // Counted before adding, not atomically: calls submitted at the same instant on several nodes may each pass,
        // so the queue can exceed the cap by at most the calls submitted at once.
        String functionName = definition.id().name().value();
        if (store.queuedFor(functionName) >= settings.queueMax()) {
            throw new AsyncQueueFullException(functionName, settings.queueMax(),
                    AsyncSettings.QUEUE_FULL_RETRY_AFTER);
        }
        Activation activation = Activation.queued(definition.id(), command.call().paramsJson(), clock.instant(),
                definition.options().attemptsAllowed(), command.callbackUrl()).withCreatedBy(command.createdBy());
        store.add(activation);
        signal();
        return activation;
    }

    @Override
    public Recorded invokeRecorded(InvokeFunctionCommand command, String createdBy) {
        Instant startedAt = clock.instant();
        try {
            InvocationResult result = invoker.invoke(command);
            Activation recorded = Activation.recordedSync(command.functionId(), command.paramsJson(), startedAt,
                    nodeId, succeeded(result)).withCreatedBy(createdBy);
            store.add(recorded);
            listener.ended(recorded);
            return new Recorded(result, recorded.id());
        } catch (RuntimeException e) {
            Activation recorded = Activation.recordedSync(command.functionId(), command.paramsJson(), startedAt,
                    nodeId, failed(e, startedAt)).withCreatedBy(createdBy);
            store.add(recorded);
            listener.ended(recorded);
            throw e;
        }
    }

    @Override
    public Activation activation(ActivationId id, String readerKeyId) {
        return store.find(id).filter(found -> readerKeyId == null || readerKeyId.equals(found.createdBy()))
                .orElseThrow(() -> new ActivationNotFoundException(id));
    }

    @Override
    public List<Activation> activations(ActivationQuery query) {
        return store.list(query);
    }

    @Override
    public void delete(ActivationId id) {
        if (!store.delete(id)) {
            throw new ActivationNotFoundException(id);
        }
    }

    /** Wakes the dispatcher: calls were queued here by other means (a schedule's tick). */
    public void callsQueued() {
        signal();
    }

    /** How many asynchronous calls this node runs now. */
    public int runningHere() {
        return running.size();
    }

    public AsyncSettings settings() {
        return settings;
    }

    /**
     * One round of the dispatcher, for tests that drive it by hand: housekeeping when due, then claims for the free
     * slots. Returns how many calls it started.
     */
    int dispatchOnce() {
        Instant now = clock.instant();
        if (!now.isBefore(nextHousekeeping)) {
            housekeeping(now);
            nextHousekeeping = now.plus(settings.pollInterval());
        }
        int free = settings.slots() - running.size();
        if (free <= 0 || closed) {
            return 0;
        }
        List<Activation> claimed = store.claim(nodeId, free, now, now.plus(settings.lease()));
        for (Activation activation : claimed) {
            running.put(activation.id(), activation);
            try {
                workers.execute(() -> run(activation));
            } catch (RuntimeException rejected) {
                // Shutting down: the call goes back for another node, this run not counted.
                running.remove(activation.id());
                store.requeue(activation.id(), nodeId, activation.attempt());
            }
        }
        return claimed.size();
    }

    private void dispatchLoop() {
        while (!closed) {
            boolean full = false;
            try {
                int free = settings.slots() - running.size();
                int started = dispatchOnce();
                // Claimed every free slot: more may wait, so go round again at once.
                full = free > 0 && started == free;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "asynchronous dispatch failed; will retry: " + e.getMessage());
            }
            if (!full || shortOfRoom) {
                shortOfRoom = false;
                awaitSignal();
            }
        }
    }

    private void renewLoop() {
        long periodMillis = Math.max(1, settings.lease().dividedBy(3).toMillis());
        try {
            while (!closing.await(periodMillis, TimeUnit.MILLISECONDS)) {
                try {
                    renewLeases(clock.instant());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "renewing leases failed; will retry: " + e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitSignal() {
        long waitNanos = settings.pollInterval().toNanos();
        lock.lock();
        try {
            while (!signalled && !closed && waitNanos > 0) {
                waitNanos = wake.awaitNanos(waitNanos);
            }
            signalled = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Extends the leases of the calls running here; for tests that drive the service by hand. */
    void renewLeases(Instant now) {
        if (!running.isEmpty()) {
            store.renew(nodeId, running.keySet(), now.plus(settings.lease()));
        }
    }

    private void housekeeping(Instant now) {
        for (Activation ended : store.recover(now, now.minus(settings.maxQueueAge()), RECOVER_BATCH)) {
            LOG.log(System.Logger.Level.INFO, "activation " + ended.id() + " of " + ended.functionId() + " ended "
                    + ended.status().label() + ": " + ended.outcome().problemDetail());
            listener.ended(ended);
        }
        store.pruneEndedBefore(now.minus(settings.retention()), settings.pruneBatch());
    }

    private void run(Activation activation) {
        ActivationOutcome outcome;
        try {
            InvocationResult result = invoker.invoke(new InvokeFunctionCommand(activation.functionId(),
                    activation.paramsJson()));
            outcome = succeeded(result);
        } catch (CapacityExceededException | UnableToStartInstanceException e) {
            // No room here after all, or no instance would start: the function never ran, so the call goes back in
            // its place in the queue, this run not counted, for this node a little later or another one.
            LOG.log(System.Logger.Level.DEBUG, "activation " + activation.id() + " back in the queue: "
                    + e.getMessage());
            running.remove(activation.id());
            requeueQuietly(activation);
            shortOfRoom = true;
            signal();
            return;
        } catch (RuntimeException e) {
            outcome = failed(e, activation.startedAt());
        }
        try {
            if (store.finish(activation.id(), nodeId, activation.attempt(), outcome)) {
                listener.ended(activation.ended(outcome));
            } else {
                LOG.log(System.Logger.Level.WARNING, "activation " + activation.id() + " ended here after its lease"
                        + " was lost; the outcome of attempt " + activation.attempt() + " is not recorded");
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot record the end of activation " + activation.id()
                    + "; its lease will run out and it may run again: " + e.getMessage());
        } finally {
            running.remove(activation.id());
            signal();
        }
    }

    private void requeueQuietly(Activation activation) {
        try {
            store.requeue(activation.id(), nodeId, activation.attempt());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot put activation " + activation.id() + " back in the queue;"
                    + " its lease will run out: " + e.getMessage());
        }
    }

    private ActivationOutcome succeeded(InvocationResult result) {
        return new ActivationOutcome(ActivationStatus.SUCCEEDED, result.resultJson(), null, null, result.logs(),
                result.startKind(), result.initTime(), result.runTime(), clock.instant());
    }

    private ActivationOutcome failed(RuntimeException failure, Instant startedAt) {
        String logs = failure instanceof FunctionCodeException code ? code.logs()
                : failure instanceof InstanceTimeoutException timeout ? timeout.logs() : "";
        String detail = failure instanceof FunctionCodeException code && code.errorType() != null
                ? code.errorType() + ": " + code.errorMessage() : failure.getMessage();
        ActivationStatus status = failure instanceof InstanceTimeoutException ? ActivationStatus.TIMED_OUT
                : ActivationStatus.FAILED;
        Instant now = clock.instant();
        Duration took = startedAt == null ? null : Duration.between(startedAt, now);
        return new ActivationOutcome(status, null, problemTypes.apply(failure), detail, logs, null, null, took, now);
    }

    /**
     * Stops claiming and waits (bounded) for the calls running here; those still running keep their lease until it
     * runs out, then run again elsewhere.
     */
    @Override
    public void close() {
        closed = true;
        closing.countDown();
        signal();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
