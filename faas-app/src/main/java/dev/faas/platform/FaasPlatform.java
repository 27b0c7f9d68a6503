package dev.faas.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.adapter.cron.CronUtilsSchedules;
import dev.faas.adapter.jaxrs.ProblemType;
import dev.faas.adapter.jaxrs.callback.CallbackSender;
import dev.faas.adapter.jaxrs.callback.CallbackTargets;
import dev.faas.adapter.jaxrs.metrics.FaasMetrics;
import dev.faas.adapter.jdbi.JdbiActivationStore;
import dev.faas.adapter.jdbi.JdbiFunctionRepository;
import dev.faas.adapter.memory.InMemoryActivationStore;
import dev.faas.adapter.memory.InMemoryChangeFeed;
import dev.faas.adapter.memory.InMemoryScheduleStore;
import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import dev.faas.domain.activation.ActivationService;
import dev.faas.domain.activation.AsyncSettings;
import dev.faas.domain.activation.ScheduleService;
import dev.faas.domain.changes.ChangeFollower;
import dev.faas.domain.changes.ChangeListener;
import dev.faas.domain.invocation.Invoker;
import dev.faas.domain.pool.InstancePool;
import dev.faas.domain.pool.PoolSettings;
import dev.faas.domain.readiness.ReadinessService;
import dev.faas.domain.reaping.Reaper;
import dev.faas.domain.reaping.ReaperPolicy;
import dev.faas.domain.registry.FunctionRegistry;
import dev.faas.domain.registry.LimitsPolicy;
import dev.faas.domain.registry.SandboxCodeCheck;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.in.ActivationsUseCase;
import dev.faas.ports.in.DeleteFunctionUseCase;
import dev.faas.ports.in.InvokeAsyncCommand;
import dev.faas.ports.in.InvokeAsyncUseCase;
import dev.faas.ports.in.GetFunctionUseCase;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.in.InvokeFunctionUseCase;
import dev.faas.ports.in.ManageSchedulesUseCase;
import dev.faas.ports.in.PoolStatusUseCase;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.in.RegisterFunctionUseCase;
import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationId;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.FunctionSummary;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.model.RequestedLimits;
import dev.faas.ports.out.ActivationStore;
import dev.faas.ports.out.ChangeFeed;
import dev.faas.ports.out.ScheduleStore;
import dev.faas.ports.out.FunctionRepository;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.InvocationObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutorService;
import java.util.Optional;

/**
 * The platform as a Java library: register Python functions, call them, list and delete them, all in-process, with
 * the same domain services the HTTP server uses. Build one with {@link #builder()}; by default it keeps functions in
 * memory and runs them as local python3 processes. Close it to stop every instance. Thread-safe.
 *
 * <p>Several platforms may share one store (PostgreSQL): each follows the store's change log, so a version deleted
 * through any of them is forgotten by all, with its instances.
 *
 * <pre>{@code
 * try (FaasPlatform faas = FaasPlatform.builder().build()) {
 *     FunctionId id = faas.register("hello", "def user_function(name):\n    return 'Hello, ' + name\n");
 *     String greeting = faas.invoke(id, Map.of("name", "World"), String.class);
 * }
 * }</pre>
 */
public final class FaasPlatform implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = FunctionRegistry.MAX_PAGE;
    /** The longest a readiness check waits for the store or the runtime; the store's own timeouts come first. */
    static final Duration READINESS_DEADLINE = Duration.ofSeconds(4);

    private final FunctionRegistry registry;
    private final Invoker invoker;
    private final InstancePool pool;
    private final FunctionRuntime runtime;
    private final FunctionRepository repository;
    private final FaasMetrics metrics;
    private final ReadinessService readiness;
    private final String nodeId;
    private final ChangeFollower changeFollower;
    private final Deque<AutoCloseable> closeables;
    private final ActivationStore activationStore;
    private final ActivationService activations;
    private final ScheduleService schedules;
    private final CallbackSender callbacks;
    /** Futures of {@link #invokeAsync} calls not ended yet, completed when this node sees them end. */
    private final ConcurrentHashMap<ActivationId, CompletableFuture<Activation>> pendingAsync =
            new ConcurrentHashMap<>();

    private FaasPlatform(Builder builder, FunctionRepository repository, FunctionRuntime runtime,
                         Deque<AutoCloseable> closeables) {
        this.repository = repository;
        this.runtime = runtime;
        this.closeables = closeables;
        this.nodeId = builder.nodeId != null ? builder.nodeId
                : repository instanceof JdbiFunctionRepository jdbi ? jdbi.nodeId()
                : InMemoryChangeFeed.DEFAULT_NODE_ID;
        int nodeMemoryMb = builder.nodeMemoryMb != null ? builder.nodeMemoryMb
                : Math.max(HostMemory.defaultBudgetMb(), builder.limits.defaultMemoryMb());
        // A version larger than the node's whole memory budget could never start: refused at registration.
        LimitsPolicy limits = builder.limits.withinNodeMemory(nodeMemoryMb);
        int prewarmMax = builder.prewarmMax != null ? builder.prewarmMax
                : Math.max(builder.prewarm, PoolSettings.DEFAULT_PREWARM_MAX);
        // Pre-warm starts (several at once) and stops run here; shut down after the pool has stopped everything.
        ExecutorService poolThreads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "faas-pool-background");
            thread.setDaemon(true);
            return thread;
        });
        closeables.push(poolThreads::shutdown);
        this.pool = new InstancePool(runtime, new PoolSettings(builder.maxInstances, builder.queueTimeout,
                builder.maxQueuedCalls, builder.prewarm, limits.defaultMemoryMb(), nodeMemoryMb, prewarmMax),
                builder.clock, poolThreads);
        closeables.push(pool);
        this.metrics = new FaasMetrics().bindPool(pool).bindNode(nodeId);
        closeables.push(metrics);
        this.invoker = new Invoker(repository, runtime, pool, both(metrics.invocationObserver(), builder.observer));
        this.registry = new FunctionRegistry(repository, limits, builder.clock,
                builder.checkCode ? new SandboxCodeCheck(runtime, pool) : null, invoker::forget);
        this.readiness = new ReadinessService(nodeId, repository, runtime, READINESS_DEADLINE);
        closeables.push(readiness);
        closeables.push(new Reaper(pool, new ReaperPolicy(builder.deleteAfter), builder.clock,
                Executors.newSingleThreadScheduledExecutor(task -> {
                    Thread thread = new Thread(task, "faas-reaper");
                    thread.setDaemon(true);
                    return thread;
                }))
                .start(builder.cleanupInterval));
        ChangeFeed feed = builder.changeFeed != null ? builder.changeFeed : feedOf(repository);
        this.changeFollower = feed == null ? null : new ChangeFollower(feed, ChangeFollower.DEFAULT_POLL_INTERVAL)
                .listen(ChangeListener.forgettingDeletedVersions(invoker))
                .start();
        if (changeFollower != null) {
            closeables.push(changeFollower);
        }
        this.activationStore = builder.activationStore != null ? builder.activationStore
                : repository instanceof JdbiFunctionRepository jdbi ? jdbi.activations()
                : new InMemoryActivationStore();
        AsyncSettings async = builder.async != null ? builder.async
                : AsyncSettings.defaults(AsyncSettings.slotsFor(builder.maxInstances, 50));
        CallbackTargets callbackTargets = builder.callbackKey == null ? null
                : new CallbackTargets(builder.callbackAllow);
        this.callbacks = callbackTargets == null ? null : new CallbackSender(callbackTargets, builder.callbackKey,
                builder.clock, Executors.newScheduledThreadPool(2, task -> {
                    Thread thread = new Thread(task, "faas-callbacks");
                    thread.setDaemon(true);
                    return thread;
                }), Duration.ofSeconds(1));
        if (callbacks != null) {
            closeables.push(callbacks);
        }
        this.activations = new ActivationService(activationStore, invoker, async, builder.clock, nodeId,
                failure -> ProblemType.of(failure).slug(), this::activationEnded,
                Executors.newCachedThreadPool(task -> {
                    Thread thread = new Thread(task, "faas-async-call");
                    thread.setDaemon(true);
                    return thread;
                }), callbackTargets == null ? ActivationService.NO_CALLBACKS : callbackTargets::check).start();
        // Before the pool: calls still running here are waited for (bounded), then their leases run out.
        closeables.push(activations);
        this.metrics.bindActivations(activationStore::stats);
        ScheduleStore scheduleStore = builder.scheduleStore != null ? builder.scheduleStore
                : repository instanceof JdbiFunctionRepository jdbi ? jdbi.schedules()
                : activationStore instanceof InMemoryActivationStore memory ? new InMemoryScheduleStore(memory)
                : null;
        if (scheduleStore == null) {
            throw new IllegalArgumentException("a custom activation store needs a schedule store too:"
                    + " Builder.scheduleStore(...)");
        }
        this.schedules = new ScheduleService(scheduleStore, repository, new CronUtilsSchedules(), builder.clock,
                async.pollInterval(), activations::callsQueued).start();
        closeables.push(schedules);
        if (activationStore instanceof JdbiActivationStore jdbiActivations) {
            // The change log is pruned like the activations, hourly, in batches.
            ScheduledExecutorService pruning = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "faas-change-pruning");
                thread.setDaemon(true);
                return thread;
            });
            pruning.scheduleWithFixedDelay(() -> pruneChanges(jdbiActivations, async.retention(), builder.clock),
                    1, 60, TimeUnit.MINUTES);
            closeables.push(pruning::shutdownNow);
        }
    }

    private static void pruneChanges(JdbiActivationStore store, Duration retention, Clock clock) {
        try {
            while (store.pruneChangesBefore(clock.instant().minus(retention), AsyncSettings.DEFAULT_PRUNE_BATCH)
                    == AsyncSettings.DEFAULT_PRUNE_BATCH) {
                Thread.onSpinWait();
            }
        } catch (RuntimeException e) {
            System.getLogger(FaasPlatform.class.getName()).log(System.Logger.Level.WARNING,
                    "pruning the change log failed; will retry: " + e.getMessage());
        }
    }

    private void activationEnded(Activation activation) {
        if (callbacks != null) {
            callbacks.ended(activation);
        }
        CompletableFuture<Activation> future = pendingAsync.remove(activation.id());
        if (future != null) {
            future.complete(activation);
        }
    }

    /** The change log of the stores this module knows; null for another store, which then has no follower. */
    private static ChangeFeed feedOf(FunctionRepository repository) {
        if (repository instanceof JdbiFunctionRepository jdbi) {
            return jdbi.changes();
        }
        if (repository instanceof InMemoryFunctionRepository memory) {
            return memory.changes();
        }
        return null;
    }

    private static InvocationObserver both(InvocationObserver first, InvocationObserver second) {
        if (second == InvocationObserver.NONE) {
            return first;
        }
        return new InvocationObserver() {
            @Override
            public void succeeded(InvocationResult result) {
                first.succeeded(result);
                second.succeeded(result);
            }

            @Override
            public void failed(FunctionId functionId, RuntimeException failure, Duration took) {
                first.failed(functionId, failure, took);
                second.failed(functionId, failure, took);
            }
        };
    }

    /** A builder with the defaults: in-memory store, process runtime, no pre-warming. */
    public static Builder builder() {
        return new Builder();
    }

    /** Registers {@code code} as the next version of {@code name}, calling {@code user_function}. */
    public FunctionId register(String name, String code) {
        return register(name, code, null, RequestedLimits.DEFAULTS);
    }

    /** Registers with another handler and/or limits ({@code null} fields keep the defaults). */
    public FunctionId register(String name, String code, String handler, RequestedLimits limits) {
        return registry.register(new RegisterFunctionCommand(FunctionName.of(name), code, handler, limits)).id();
    }

    /** Registers the Python file at {@code file} as the next version of {@code name}. */
    public FunctionId register(String name, Path file) {
        try {
            return register(name, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Calls a version with params given as JSON object text; returns the full result, JSON included. */
    public InvocationResult invoke(FunctionId id, String paramsJson) {
        return invoker.invoke(new InvokeFunctionCommand(id, paramsJson));
    }

    /** Calls a version ({@code "hello-1"}) with params as JSON object text; returns the result as JSON text. */
    public String invokeJson(String id, String paramsJson) {
        return invoke(FunctionId.parse(id), paramsJson).resultJson();
    }

    /** Calls a version with {@code params} as keyword arguments and maps the JSON result to {@code resultType}. */
    public <T> T invoke(FunctionId id, Map<String, ?> params, Class<T> resultType) {
        return map(invoke(id, toJson(params)).resultJson(), JSON.constructType(resultType));
    }

    /** As {@link #invoke(FunctionId, Map, Class)}, for an id written {@code "hello-1"}. */
    public <T> T invoke(String id, Map<String, ?> params, Class<T> resultType) {
        return invoke(FunctionId.parse(id), params, resultType);
    }

    /** Calls the newest version of {@code name}. */
    public <T> T invokeLatest(String name, Map<String, ?> params, Class<T> resultType) {
        return invoke(registry.latest(FunctionName.of(name)).id(), params, resultType);
    }

    /**
     * An asynchronous call: its activation id at once, and a future completed with the ended activation when this
     * platform sees it end (a call run by another node sharing the store is seen through {@link #activation}).
     */
    public record AsyncCall(ActivationId activationId, CompletableFuture<Activation> completion) {
    }

    /** Queues a call of a version with params given as JSON object text; it runs when the node has room. */
    public AsyncCall invokeAsync(FunctionId id, String paramsJson) {
        CompletableFuture<Activation> completion = new CompletableFuture<>();
        Activation queued = activations.submit(InvokeAsyncCommand.of(id, paramsJson));
        pendingAsync.put(queued.id(), completion);
        // It may have ended before the future was filed.
        activationStore.find(queued.id()).filter(a -> a.status().isFinal()).ifPresent(this::activationEnded);
        return new AsyncCall(queued.id(), completion);
    }

    /** Queues a call with {@code params} as keyword arguments. */
    public AsyncCall invokeAsync(FunctionId id, Map<String, ?> params) {
        return invokeAsync(id, toJson(params));
    }

    /** The activation with this id, as stored now. */
    public Activation activation(ActivationId id) {
        return activations.activation(id);
    }

    /** Every registered name with its newest version, in name order. */
    public List<FunctionSummary> list() {
        List<FunctionSummary> all = new ArrayList<>();
        FunctionName after = null;
        while (true) {
            List<FunctionSummary> page = registry.list(after, PAGE);
            all.addAll(page);
            if (page.size() < PAGE) {
                return all;
            }
            after = page.get(page.size() - 1).name();
        }
    }

    /** Every live version of {@code name}, oldest first. */
    public List<FunctionDefinition> versions(String name) {
        return registry.versions(FunctionName.of(name));
    }

    /** Deletes one version ({@code "hello-1"}) and stops its instances. */
    public void delete(String id) {
        registry.delete(FunctionId.parse(id));
    }

    /** Deletes every version of {@code name} and stops their instances. */
    public List<FunctionId> deleteAll(String name) {
        return registry.deleteAll(FunctionName.of(name));
    }

    /** Ids of the instances running now, for tests and operators. */
    public List<String> runningInstances() {
        return runtime.running();
    }

    public RegisterFunctionUseCase registerUseCase() {
        return registry;
    }

    public InvokeFunctionUseCase invokeUseCase() {
        return invoker;
    }

    public GetFunctionUseCase getUseCase() {
        return registry;
    }

    public DeleteFunctionUseCase deleteUseCase() {
        return registry;
    }

    public InvokeAsyncUseCase invokeAsyncUseCase() {
        return activations;
    }

    public ActivationsUseCase activationsUseCase() {
        return activations;
    }

    public ManageSchedulesUseCase schedulesUseCase() {
        return schedules;
    }

    /** The asynchronous calls' dispatcher, for operators and tests. */
    public ActivationService activationService() {
        return activations;
    }

    public PoolStatusUseCase poolStatusUseCase() {
        return pool;
    }

    /** Whether the store and the runtime answer, as {@code /readyz} reports it. */
    public ReadinessService readiness() {
        return readiness;
    }

    /** This node's id, as {@code /readyz} and the {@code faas_node_info} metric show it. */
    public String nodeId() {
        return nodeId;
    }

    /**
     * The follower of the store's change log, to which more listeners may be added (the HTTP endpoint's API keys, say);
     * empty when the store has no change log.
     */
    public Optional<ChangeFollower> changeFollower() {
        return Optional.ofNullable(changeFollower);
    }

    /** Counters and histograms of calls, instances and the JVM, in Prometheus form with {@code scrape()}. */
    public FaasMetrics metrics() {
        return metrics;
    }

    /** The pool, for operators and tests that watch capacity. */
    public InstancePool pool() {
        return pool;
    }

    public FunctionRuntime runtime() {
        return runtime;
    }

    public FunctionRepository repository() {
        return repository;
    }

    /** Stops every instance, then closes the runtime and the store. */
    @Override
    public void close() {
        while (!closeables.isEmpty()) {
            try {
                closeables.pop().close();
            } catch (Exception e) {
                System.getLogger(FaasPlatform.class.getName()).log(System.Logger.Level.WARNING,
                        "error while closing: " + e.getMessage());
            }
        }
    }

    private static String toJson(Map<String, ?> params) {
        try {
            return JSON.writeValueAsString(params == null ? Map.of() : params);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("params", "params cannot be written as JSON: " + e.getOriginalMessage());
        }
    }

    private static <T> T map(String json, JavaType type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the result " + abbreviate(json) + " is not a " + type + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private static String abbreviate(String json) {
        return json.length() <= 80 ? json : json.substring(0, 80) + "...";
    }

    /** Chooses the platform's adapters and limits; every setting has a default. Not thread-safe. */
    public static final class Builder {

        private FunctionRepository repository;
        private FunctionRuntime runtime;
        private final Deque<AutoCloseable> extraCloseables = new ArrayDeque<>();
        private int prewarm;
        private Integer prewarmMax;
        private int maxInstances = 64;
        private Integer nodeMemoryMb;
        private int maxQueuedCalls = 1000;
        private Duration queueTimeout = Duration.ofSeconds(10);
        private Duration deleteAfter = Duration.ofMinutes(5);
        private Duration cleanupInterval = Duration.ofSeconds(30);
        private LimitsPolicy limits = LimitsPolicy.defaults();
        private boolean checkCode = true;
        private InvocationObserver observer = InvocationObserver.NONE;
        private Clock clock = Clock.systemUTC();
        private ChangeFeed changeFeed;
        private String nodeId;
        private ActivationStore activationStore;
        private AsyncSettings async;
        private ScheduleStore scheduleStore;
        private List<String> callbackAllow = List.of();
        private byte[] callbackKey;

        private Builder() {
        }

        /** Where versions are stored; default: in memory, gone when the platform closes. */
        public Builder repository(FunctionRepository repository) {
            this.repository = Objects.requireNonNull(repository, "repository");
            return this;
        }

        /** Where functions run; default: local python3 processes (not a sandbox). */
        public Builder runtime(FunctionRuntime runtime) {
            this.runtime = Objects.requireNonNull(runtime, "runtime");
            return this;
        }

        /** Pre-started instances kept ready for first calls, at least (the stock's floor); default 0 (none). */
        public Builder prewarm(int count) {
            this.prewarm = count;
            return this;
        }

        /**
         * The most pre-started instances the stock grows to when first calls drain it (within the node's limits);
         * default {@value PoolSettings#DEFAULT_PREWARM_MAX}, or the floor if that is higher. Without a floor
         * ({@link #prewarm} 0) there is no stock to grow.
         */
        public Builder prewarmMax(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("prewarmMax must not be negative, got " + count);
            }
            this.prewarmMax = count;
            return this;
        }

        /** Instances running at once, all functions together; default 64. */
        public Builder maxInstances(int count) {
            this.maxInstances = count;
            return this;
        }

        /**
         * The most the memory limits of the instances on this node (pre-warmed ones included) may add up to, in MB;
         * default {@value HostMemory#DEFAULT_SHARE_PERCENT}% of the host's physical memory (at least the default
         * function memory). It counts with every runtime, though only the Docker runtime enforces each instance's
         * limit. It must be at least the default function memory; registrations asking for more memory than the
         * budget are refused.
         */
        public Builder nodeMemoryMb(int megabytes) {
            if (megabytes < 1) {
                throw new IllegalArgumentException("nodeMemoryMb must be at least 1, got " + megabytes);
            }
            this.nodeMemoryMb = megabytes;
            return this;
        }

        /** How many calls may wait for an instance, and for how long; defaults 1000 and 10 s. */
        public Builder queue(int maxQueuedCalls, Duration timeout) {
            this.maxQueuedCalls = maxQueuedCalls;
            this.queueTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Idle instances are stopped after {@code deleteAfter}, checked every {@code cleanupInterval}. */
        public Builder reaping(Duration deleteAfter, Duration cleanupInterval) {
            this.deleteAfter = Objects.requireNonNull(deleteAfter, "deleteAfter");
            this.cleanupInterval = Objects.requireNonNull(cleanupInterval, "cleanupInterval");
            return this;
        }

        /** Default limits and maxima for functions; default {@link LimitsPolicy#defaults()}. */
        public Builder limits(LimitsPolicy limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Whether code is loaded in a throwaway sandbox before it is stored; default true. */
        public Builder checkCode(boolean checkCode) {
            this.checkCode = checkCode;
            return this;
        }

        /** Told about every call, beside the platform's own metrics; default none. */
        public Builder observer(InvocationObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /**
         * The change log to follow, so that versions deleted through other platforms sharing the store are forgotten
         * here too; default: the repository's own (JDBI or in-memory), none for another repository.
         */
        public Builder changeFeed(ChangeFeed changeFeed) {
            this.changeFeed = Objects.requireNonNull(changeFeed, "changeFeed");
            return this;
        }

        /**
         * This node's id among those sharing the store, shown by {@code /readyz} and the metrics; default: the JDBI
         * repository's node id, else {@code local}.
         */
        public Builder nodeId(String nodeId) {
            this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
            return this;
        }

        /**
         * Where asynchronous calls queue and activations are kept; default: the JDBI repository's database, else in
         * memory.
         */
        public Builder activationStore(ActivationStore activationStore) {
            this.activationStore = Objects.requireNonNull(activationStore, "activationStore");
            return this;
        }

        /**
         * Where schedules are kept; default: the JDBI repository's database, else in memory beside the in-memory
         * activation store.
         */
        public Builder scheduleStore(ScheduleStore scheduleStore) {
            this.scheduleStore = Objects.requireNonNull(scheduleStore, "scheduleStore");
            return this;
        }

        /**
         * Turns callbacks on: ended asynchronous calls with a {@code callbackUrl} are POSTed there, signed with
         * HMAC-SHA256 under {@code key}; {@code allow} lists the {@code host:port} targets that may be reached over
         * plain http or at internal addresses (loopback, private, link-local). Default: off.
         */
        public Builder callbacks(byte[] key, List<String> allow) {
            this.callbackKey = Objects.requireNonNull(key, "key").clone();
            this.callbackAllow = List.copyOf(allow);
            return this;
        }

        /** How this node runs asynchronous calls; default: half of {@link #maxInstances} at once, 30 s leases. */
        public Builder async(AsyncSettings async) {
            this.async = Objects.requireNonNull(async, "async");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Something to close after the runtime and the store, such as the Docker client the runtime uses. */
        public Builder alsoClose(AutoCloseable resource) {
            extraCloseables.addLast(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        /** Closes the store, runtime and other resources handed to this builder, when it will not be built. */
        public void closeUnbuilt() {
            if (runtime != null) {
                closeQuietly(runtime);
            }
            if (repository instanceof AutoCloseable closeableRepository) {
                closeQuietly(closeableRepository);
            }
            extraCloseables.forEach(FaasPlatform::closeQuietly);
        }

        /** Starts the platform: pre-warming begins at once. The platform closes the store and the runtime. */
        public FaasPlatform build() {
            FunctionRepository chosenRepository = repository != null ? repository : new InMemoryFunctionRepository();
            FunctionRuntime chosenRuntime = runtime != null ? runtime : defaultRuntime();
            Deque<AutoCloseable> closeables = new ArrayDeque<>();
            closeables.addLast(chosenRuntime);
            if (chosenRepository instanceof AutoCloseable closeableRepository) {
                closeables.addLast(closeableRepository);
            }
            closeables.addAll(extraCloseables);
            try {
                return new FaasPlatform(this, chosenRepository, chosenRuntime, closeables);
            } catch (RuntimeException e) {
                closeables.forEach(FaasPlatform::closeQuietly);
                throw e;
            }
        }

        private static FunctionRuntime defaultRuntime() {
            try {
                Path work = Files.createTempDirectory("faas-");
                return new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(work));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a work directory for the process runtime", e);
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already failing
        }
    }
}
