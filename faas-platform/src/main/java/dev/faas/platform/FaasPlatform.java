package dev.faas.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.faas.adapter.cron.CronUtilsSchedules;
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
import dev.faas.domain.stats.CallStatistics;
import dev.faas.domain.stats.NodeStatisticsService;
import dev.faas.domain.reaping.Reaper;
import dev.faas.domain.reaping.ReaperPolicy;
import dev.faas.domain.registry.FunctionRegistry;
import dev.faas.domain.registry.EgressPolicy;
import dev.faas.domain.registry.LimitsPolicy;
import dev.faas.domain.invocation.InstanceSpecialiser;
import dev.faas.domain.registry.ArchivePolicy;
import dev.faas.ports.out.DependencyBuilder;
import dev.faas.domain.registry.RuntimeCatalog;
import dev.faas.domain.registry.SandboxCodeCheck;
import dev.faas.ports.model.CodeArchive;
import dev.faas.domain.secrets.SecretCipher;
import dev.faas.domain.secrets.SecretService;
import dev.faas.adapter.memory.InMemorySecretRepository;
import dev.faas.ports.in.ManageSecretsUseCase;
import dev.faas.ports.model.SecretName;
import dev.faas.ports.model.SecretRecord;
import dev.faas.ports.model.VersionOptions;
import dev.faas.ports.out.SecretRepository;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.in.ActivationsUseCase;
import dev.faas.ports.in.DeleteFunctionUseCase;
import dev.faas.ports.in.InvokeAsyncCommand;
import dev.faas.ports.in.InvokeAsyncUseCase;
import dev.faas.ports.in.GetFunctionUseCase;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.in.InvokeFunctionUseCase;
import dev.faas.ports.in.ListRuntimesUseCase;
import dev.faas.ports.in.NodeStatisticsUseCase;
import dev.faas.ports.in.ManageSchedulesUseCase;
import dev.faas.ports.in.PoolStatusUseCase;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.in.RegisterFunctionUseCase;
import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationQueueStats;
import dev.faas.ports.model.ActivationId;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.FunctionSummary;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.model.LanguageRuntime;
import dev.faas.ports.model.RequestedLimits;
import dev.faas.ports.model.VersionOptions;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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

    private static final ObjectMapper JSON = strictMapper();
    private static final int PAGE = FunctionRegistry.MAX_PAGE;
    /** The longest a readiness check waits for the store or the runtime; the store's own timeouts come first. */
    static final Duration READINESS_DEADLINE = Duration.ofSeconds(4);

    private final FunctionRegistry registry;
    private final SecretService secrets;
    private final Invoker invoker;
    private final InstancePool pool;
    private final FunctionRuntime runtime;
    private final FunctionRepository repository;
    private final List<InvocationObserver> observers = new CopyOnWriteArrayList<>();
    private final ReadinessService readiness;
    private final NodeStatisticsService statistics;
    private final String nodeId;
    private final ChangeFollower changeFollower;
    private final Deque<AutoCloseable> closeables;
    private final ActivationStore activationStore;
    private final ActivationService activations;
    private final ScheduleService schedules;
    private final Callbacks callbacks;
    /** The HTTP adapter's problem types when it is on the class path, else the failure's class name. */
    private volatile Function<RuntimeException, String> problemTypes = java.util.ServiceLoader
            .load(dev.faas.ports.out.ProblemNaming.class, FaasPlatform.class.getClassLoader()).findFirst()
            .<Function<RuntimeException, String>>map(naming -> naming::slug).orElse(FaasPlatform::kebabName);
    /** Futures of {@link #invokeAsync} calls not ended yet, completed when this node sees them end. */
    private final ConcurrentHashMap<ActivationId, CompletableFuture<Activation>> pendingAsync =
            new ConcurrentHashMap<>();

    private FaasPlatform(Builder builder, FunctionRepository repository, FunctionRuntime runtime,
                         Deque<AutoCloseable> closeables) {
        this.repository = repository;
        this.runtime = runtime;
        this.closeables = closeables;
        this.nodeId = builder.nodeId != null ? builder.nodeId
                : repository.writerNodeId().orElse(InMemoryChangeFeed.DEFAULT_NODE_ID);
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
        PoolSettings poolSettings = new PoolSettings(builder.maxInstances, builder.queueTimeout,
                builder.maxQueuedCalls, builder.prewarm, limits.defaultMemoryMb(), nodeMemoryMb, prewarmMax);
        for (LanguageRuntime offered : runtime.languageRuntimes()) {
            // A stock only for runtimes the runtime offers: starts of another would fail on every refill.
            Integer floor = builder.runtimePrewarm.get(offered.name());
            if (floor != null && !offered.name().equals(VersionOptions.DEFAULT_RUNTIME)) {
                poolSettings = poolSettings.withRuntimePrewarm(offered.name(), Math.min(floor, prewarmMax));
            }
        }
        this.pool = new InstancePool(runtime, poolSettings, builder.clock, poolThreads);
        closeables.push(pool);
        if (builder.observer != InvocationObserver.NONE) {
            observers.add(builder.observer);
        }
        CallStatistics calls = new CallStatistics(builder.clock);
        observers.add(calls);
        this.statistics = new NodeStatisticsService(nodeId, pool, calls, builder.clock);
        SecretRepository secretStore = builder.secretRepository != null ? builder.secretRepository
                : repository.secretRepository().orElseGet(InMemorySecretRepository::new);
        this.secrets = new SecretService(secretStore, builder.secretCipher, builder.clock);
        InstanceSpecialiser specialiser = new InstanceSpecialiser(secrets, builder.dependencies);
        this.invoker = new Invoker(repository, runtime, pool, new EveryObserver(observers), specialiser);
        this.registry = new FunctionRegistry(repository, limits, builder.clock,
                builder.checkCode ? new SandboxCodeCheck(runtime, pool, specialiser) : null, invoker::forget, secrets,
                new ArchivePolicy(builder.maxArchiveBytes, CodeArchive.DEFAULT_MAX_FILES), builder.dependencies,
                new EgressPolicy(builder.egress),
                runtime.languageRuntimes().stream().map(LanguageRuntime::name).toList(),
                runtime.languageRuntimes().stream().filter(offered -> "javascript".equals(offered.language()))
                        .map(LanguageRuntime::name).collect(java.util.stream.Collectors.toSet()));
        this.readiness = new ReadinessService(nodeId, repository, runtime, READINESS_DEADLINE);
        closeables.push(readiness);
        closeables.push(new Reaper(pool, new ReaperPolicy(builder.deleteAfter), builder.clock,
                Executors.newSingleThreadScheduledExecutor(task -> {
                    Thread thread = new Thread(task, "faas-reaper");
                    thread.setDaemon(true);
                    return thread;
                }))
                .start(builder.cleanupInterval));
        ChangeFeed feed = builder.changeFeed != null ? builder.changeFeed : repository.changeFeed().orElse(null);
        this.changeFollower = feed == null ? null : new ChangeFollower(feed, ChangeFollower.DEFAULT_POLL_INTERVAL)
                .listen(ChangeListener.forgettingDeletedVersions(invoker))
                .listen(ChangeListener.refreshingLatestVersions(registry))
                .start();
        if (changeFollower != null) {
            closeables.push(changeFollower);
        }
        this.activationStore = builder.activationStore != null ? builder.activationStore
                : repository.activationStore().orElseGet(InMemoryActivationStore::new);
        AsyncSettings async = builder.async != null ? builder.async
                : AsyncSettings.defaults(AsyncSettings.slotsFor(builder.maxInstances, 50));
        this.callbacks = builder.callbacks;
        this.activations = new ActivationService(activationStore, invoker, async, builder.clock, nodeId,
                failure -> problemTypes.apply(failure), this::activationEnded,
                Executors.newCachedThreadPool(task -> {
                    Thread thread = new Thread(task, "faas-async-call");
                    thread.setDaemon(true);
                    return thread;
                }), callbacks == null ? ActivationService.NO_CALLBACKS : callbacks::check).start();
        // Before the pool: calls still running here are waited for (bounded), then their leases run out.
        closeables.push(activations);
        ScheduleStore scheduleStore = builder.scheduleStore != null ? builder.scheduleStore
                : repository.scheduleStore().orElse(activationStore instanceof InMemoryActivationStore memory
                        ? new InMemoryScheduleStore(memory) : null);
        if (scheduleStore == null) {
            throw new IllegalArgumentException("a custom activation store needs a schedule store too:"
                    + " Builder.scheduleStore(...)");
        }
        this.schedules = new ScheduleService(scheduleStore, repository, new CronUtilsSchedules(), builder.clock,
                async.pollInterval(), activations::callsQueued).start();
        closeables.push(schedules);
        // The change log is pruned like the activations, hourly, in batches (a store that keeps none prunes nothing).
        ScheduledExecutorService pruning = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "faas-change-pruning");
            thread.setDaemon(true);
            return thread;
        });
        pruning.scheduleWithFixedDelay(() -> pruneChanges(repository, async.retention(), builder.clock),
                1, 60, TimeUnit.MINUTES);
        closeables.push(pruning::shutdownNow);
    }

    private static void pruneChanges(FunctionRepository store, Duration retention, Clock clock) {
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

    /**
     * Names the problem type of a failed asynchronous call in its activation record; by default the HTTP adapter's
     * problem types when it is on the class path, else the failure's class name in kebab case.
     */
    public void useProblemTypes(Function<RuntimeException, String> types) {
        this.problemTypes = Objects.requireNonNull(types, "types");
    }

    /** The asynchronous queue's figures (queued calls, oldest age, activations by status), for metrics. */
    public ActivationQueueStats activationStats() {
        return activationStore.stats();
    }

    private static String kebabName(RuntimeException failure) {
        String name = failure.getClass().getSimpleName().replaceFirst("Exception$", "");
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Where ended asynchronous calls with a {@code callbackUrl} are delivered; the HTTP adapter's signed sender in
     * the server. {@link #check} refuses a URL at submission.
     */
    public interface Callbacks {

        /** @throws dev.faas.ports.error.InvalidRequestException for a callback URL that may not be reached */
        void check(String url);

        /** Delivers the record of an ended call that asked for a callback (in the background, retried). */
        void ended(Activation activation);
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

    /** Tells each of the observers of the moment; they may come and go while calls run. */
    private record EveryObserver(List<InvocationObserver> observers) implements InvocationObserver {

        @Override
        public void succeeded(InvocationResult result) {
            observers.forEach(observer -> observer.succeeded(result));
        }

        @Override
        public void failed(FunctionId functionId, RuntimeException failure, Duration took) {
            observers.forEach(observer -> observer.failed(functionId, failure, took));
        }
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

    /**
     * Registers with options: its environment ({@code options.env()}, seen as {@code os.environ}) and the secrets it
     * reads ({@code options.secrets()}, files under {@code /run/secrets}; stored first with {@link #putSecret}).
     */
    public FunctionId register(String name, String code, String handler, RequestedLimits limits,
                               VersionOptions options) {
        return registry.register(new RegisterFunctionCommand(FunctionName.of(name), code, handler, limits, options))
                .id();
    }

    /**
     * Registers a zip archive as the next version of {@code name}: {@code handler} names {@code module.function}
     * ({@code main.user_function} when null), its root goes on {@code sys.path}.
     */
    public FunctionId registerArchive(String name, byte[] zip, String handler, RequestedLimits limits,
                                      VersionOptions options) {
        return registry.register(new RegisterFunctionCommand(FunctionName.of(name),
                java.util.Base64.getEncoder().encodeToString(zip), handler, limits, options.withArchive(true))).id();
    }

    /** Registers the files under {@code directory} (zipped, links and all hidden entries included) as an archive. */
    public FunctionId registerDirectory(String name, Path directory, String handler, RequestedLimits limits,
                                        VersionOptions options) {
        return registerArchive(name, zip(directory), handler, limits, options);
    }

    /** The regular files under {@code directory} as a zip, by path relative to it; a link is refused. */
    public static byte[] zip(Path directory) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes);
             java.util.stream.Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted().toList()) {
                if (Files.isSymbolicLink(path)) {
                    throw new IllegalArgumentException(path + " is a link: archives hold regular files only");
                }
                if (Files.isRegularFile(path)) {
                    String entry = directory.relativize(path).toString().replace('\\', '/');
                    zip.putNextEntry(new java.util.zip.ZipEntry(entry));
                    Files.copy(path, zip);
                    zip.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot zip " + directory, e);
        }
        return bytes.toByteArray();
    }

    /** Stores (or rotates) the secret {@code name}; needs a {@link Builder#secretsKey secrets key}. */
    public SecretRecord putSecret(String name, String value) {
        return secrets.put(SecretName.of(name), value);
    }

    /** The stored secrets' names and dates, never their values. */
    public List<SecretRecord> secrets() {
        return secrets.list();
    }

    /** Deletes the secret {@code name}; versions reading it fail to start new instances from then on. */
    public void deleteSecret(String name) {
        secrets.delete(SecretName.of(name));
    }

    /** The secrets' administration, for an HTTP endpoint. */
    public ManageSecretsUseCase secretsUseCase() {
        return secrets;
    }

    /**
     * Registers code of the language {@code runtime} ({@code python3}, {@code nodejs}, ... as {@link #runtimes()}
     * lists them), with another handler and/or limits ({@code null} keeps the defaults).
     */
    public FunctionId register(String name, String code, String handler, RequestedLimits limits, String runtime) {
        return registry.register(new RegisterFunctionCommand(FunctionName.of(name), code, handler, limits,
                VersionOptions.DEFAULT.withRuntime(runtime))).id();
    }

    /** The language runtimes this platform offers, the default first. */
    public List<LanguageRuntime> runtimes() {
        return runtime.languageRuntimes();
    }

    /** The language runtime of a source file by its name: {@code nodejs} for .js, .mjs and .cjs, else python3. */
    public static String runtimeOf(Path file) {
        String fileName = file.getFileName() == null ? "" : file.getFileName().toString();
        return fileName.endsWith(".js") || fileName.endsWith(".mjs") || fileName.endsWith(".cjs") ? "nodejs"
                : VersionOptions.DEFAULT_RUNTIME;
    }

    /**
     * Registers the file at {@code file} (Python, or Node.js for .js, .mjs, .cjs) as the next version of {@code name}.
     */
    public FunctionId register(String name, Path file) {
        try {
            return register(name, Files.readString(file, StandardCharsets.UTF_8), null, RequestedLimits.DEFAULTS,
                    runtimeOf(file));
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
        return invoke(registry.latestId(FunctionName.of(name)), params, resultType);
    }

    /**
     * Readies an instance of {@code id} with its code loaded, without calling it, so that the next call is warm: no
     * instance to start, no code to load. Import-time code runs, as it did when the version was registered.
     */
    public void warm(FunctionId id) {
        invoker.warm(id);
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

    public ListRuntimesUseCase runtimesUseCase() {
        return new RuntimeCatalog(runtime, pool);
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

    /** The node's instances and its calls over the last minutes, as the dashboard's {@code /stats} shows them. */
    public NodeStatisticsUseCase statisticsUseCase() {
        return statistics;
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

    /**
     * Tells {@code observer} about every call from now on, beside those given to the builder: how metrics (the HTTP
     * endpoint's Micrometer meters, say) plug in without the library depending on them.
     */
    public void addObserver(InvocationObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    /** Stops telling {@code observer} about calls. */
    public void removeObserver(InvocationObserver observer) {
        observers.remove(observer);
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

    /**
     * Maps results strictly: a number is never read as a String (nor a String as a number, a fraction as an int, a
     * boolean as either, or null as a primitive), so asking for the wrong type fails instead of converting silently.
     */
    private static ObjectMapper strictMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    private static <T> T map(String json, JavaType type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the result " + abbreviate(json) + " is " + jsonKind(json)
                    + ", which does not fit the requested type " + type.toCanonical() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** What kind of JSON value {@code json} is, for messages: "a JSON number", "a JSON object", ... */
    private static String jsonKind(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return switch (node.getNodeType()) {
                case NUMBER -> "a JSON number";
                case STRING -> "a JSON string";
                case BOOLEAN -> "a JSON boolean";
                case NULL -> "JSON null";
                case ARRAY -> "a JSON array";
                case OBJECT -> "a JSON object";
                default -> "a JSON value";
            };
        } catch (JsonProcessingException e) {
            return "not JSON";
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
        private final Map<String, Integer> runtimePrewarm = new HashMap<>();
        private int maxInstances = 64;
        private Integer nodeMemoryMb;
        private int maxQueuedCalls = 1000;
        private Duration queueTimeout = Duration.ofSeconds(10);
        private Duration deleteAfter = Duration.ofMinutes(5);
        private Duration cleanupInterval = Duration.ofSeconds(30);
        private LimitsPolicy limits = LimitsPolicy.defaults();
        private boolean checkCode = true;
        private EgressPolicy.Mode egress = EgressPolicy.Mode.OFF;
        private InvocationObserver observer = InvocationObserver.NONE;
        private Clock clock = Clock.systemUTC();
        private ChangeFeed changeFeed;
        private String nodeId;
        private SecretCipher secretCipher;
        private SecretRepository secretRepository;
        private long maxArchiveBytes = CodeArchive.DEFAULT_MAX_UNPACKED_BYTES;
        private DependencyBuilder dependencies = DependencyBuilder.NONE;
        private ActivationStore activationStore;
        private AsyncSettings async;
        private ScheduleStore scheduleStore;
        private Callbacks callbacks;

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
         * The pre-warm stock's floor for versions of the language {@code runtime} ({@code nodejs}: default none); the
         * default runtime's is {@link #prewarm(int)}. Each runtime's stock grows with its own first calls.
         */
        public Builder prewarm(String runtime, int count) {
            if (count < 0) {
                throw new IllegalArgumentException("prewarm must not be negative, got " + count);
            }
            if (VersionOptions.DEFAULT_RUNTIME.equals(runtime)) {
                return prewarm(count);
            }
            runtimePrewarm.put(Objects.requireNonNull(runtime, "runtime"), count);
            return this;
        }

        /**
         * The most pre-started instances the stock grows to when first calls drain it (within the node's limits);
         * default {@value PoolSettings#DEFAULT_PREWARM_MAX}, or the floor if that is higher. Without a floor
         * ({@link #prewarm} 0) there is no stock to grow. Each language runtime's stock grows to it at most.
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

        /**
         * Whether versions may ask for network egress ({@code "network": "egress"}); default false, which refuses
         * them at registration. The runtime must give egress instances a network (the Docker runtime's
         * {@code EgressNetwork}); the process runtime has the host's network whatever the version asks.
         */
        public Builder egress(boolean allowed) {
            this.egress = allowed ? EgressPolicy.Mode.ON : EgressPolicy.Mode.OFF;
            return this;
        }

        /**
         * Network egress for some registrations only ({@code FAAS_EGRESS=keys}): those of the embedding program itself
         * (a {@link RegisterFunctionCommand} without a caller, as every {@code register} method of this class makes)
         * and those whose caller's API key holds {@link dev.faas.ports.model.ApiKeyPermission#EGRESS}; a caller
         * without it gets {@link dev.faas.ports.error.EgressNotAllowedException}. The runtime must offer egress, as
         * for {@link #egress(boolean) egress(true)}.
         */
        public Builder egressForPermittedKeys() {
            this.egress = EgressPolicy.Mode.KEYS;
            return this;
        }

        /** Told about every call (more may be added with {@link FaasPlatform#addObserver}); default none. */
        public Builder observer(InvocationObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /**
         * The change log to follow, so that versions deleted through other platforms sharing the store are forgotten
         * here too; default: the one the repository hands over ({@link FunctionRepository#changeFeed()}), if any.
         */
        public Builder changeFeed(ChangeFeed changeFeed) {
            this.changeFeed = Objects.requireNonNull(changeFeed, "changeFeed");
            return this;
        }

        /**
         * This node's id among those sharing the store, shown by {@code /readyz} and the metrics; default: the node id
         * the repository records its changes under ({@link FunctionRepository#writerNodeId()}), else {@code local}.
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
         * Turns callbacks on: ended asynchronous calls with a {@code callbackUrl} are handed to {@code callbacks}
         * (the server's is the HTTP adapter's signed sender); default: off, such calls are refused.
         */
        public Builder callbacks(Callbacks callbacks) {
            this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
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

        /**
         * The AES key (base64 of 16, 24 or 32 bytes, as {@code FAAS_SECRETS_KEY}) that seals secrets; without one,
         * secrets cannot be stored or used. Every platform sharing a store needs the same key.
         *
         * @throws IllegalArgumentException if it is not such a key (the message never quotes it)
         */
        public Builder secretsKey(String base64Key) {
            this.secretCipher = SecretCipher.fromBase64(base64Key);
            return this;
        }

        /** Builds the dependency layers of versions with requirements; default: none (such versions are refused). */
        public Builder dependencies(DependencyBuilder dependencies) {
            this.dependencies = Objects.requireNonNull(dependencies, "dependencies");
            return this;
        }

        /** The most bytes a code archive may unpack to ({@code FAAS_MAX_ARCHIVE_BYTES}); default 50 MB. */
        public Builder maxArchiveBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxArchiveBytes must be positive");
            }
            this.maxArchiveBytes = bytes;
            return this;
        }

        /** Where secrets are kept (sealed); default: the JDBI store's database, else memory. */
        public Builder secrets(SecretRepository secretRepository) {
            this.secretRepository = Objects.requireNonNull(secretRepository, "secretRepository");
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
