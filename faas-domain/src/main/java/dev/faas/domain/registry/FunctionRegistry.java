package dev.faas.domain.registry;

import dev.faas.domain.secrets.SecretAccess;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.InvalidArchiveException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.PayloadTooLargeException;
import dev.faas.ports.in.DeleteFunctionUseCase;
import dev.faas.ports.in.GetFunctionUseCase;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.in.RegisterFunctionUseCase;
import dev.faas.ports.in.RegisteredVersion;
import dev.faas.ports.model.VersionOptions;
import dev.faas.ports.out.DependencyBuilder;
import dev.faas.ports.model.CodeArchive;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.FunctionSummary;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.NewFunctionVersion;
import dev.faas.ports.model.VersionOptions;
import dev.faas.ports.out.FunctionRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The functions' lifecycle: registers versions (checks the code's size, the limits asked for and, in a sandbox, that
 * the code loads, then lets the repository allocate the next immutable version), reads them, and deletes them,
 * stopping their instances. Calls by name ask {@link #latestId} which version to run: once {@link #cacheLatestIds}
 * is on, the answer comes from memory, dropped for a name whenever one of its versions is registered or deleted,
 * here or, through {@link #versionsChanged}, on another node sharing the store. Thread-safe.
 */
public final class FunctionRegistry implements RegisterFunctionUseCase, GetFunctionUseCase, DeleteFunctionUseCase {

    /** The most bytes of requirements.txt text a version may have. */
    public static final int MAX_REQUIREMENTS_BYTES = 64 * 1024;

    /** The most names one page of {@link #list} returns. */
    public static final int MAX_PAGE = 1000;

    private final FunctionRepository repository;
    private final LimitsPolicy limitsPolicy;
    private final Clock clock;
    private final SandboxCodeCheck codeCheck;
    private final Consumer<FunctionId> onDeleted;
    private final ConcurrentHashMap<FunctionName, FunctionId> latestIds = new ConcurrentHashMap<>();
    /** Moved on by every {@link #versionsChanged}, so an id read meanwhile is checked again before it is kept. */
    private final AtomicLong changes = new AtomicLong();
    private volatile boolean cachingLatestIds;
    private final EgressPolicy egressPolicy;
    private final SecretAccess secrets;
    private final ArchivePolicy archives;
    private final DependencyBuilder dependencies;
    private final Set<String> runtimes;
    /** The runtimes whose runner is the Node.js one (nodejs, and custom runtimes built on it). */
    private final Set<String> scriptRuntimes;

    /**
     * @param codeCheck checks code before it is stored; null stores it unchecked
     * @param onDeleted told of every deleted version, to stop its instances
     */
    public FunctionRegistry(FunctionRepository repository, LimitsPolicy limitsPolicy, Clock clock,
                            SandboxCodeCheck codeCheck, Consumer<FunctionId> onDeleted) {
        this(repository, limitsPolicy, clock, codeCheck, onDeleted, SecretAccess.NONE);
    }

    /** @param secrets checks that the secrets a new version names are stored */
    public FunctionRegistry(FunctionRepository repository, LimitsPolicy limitsPolicy, Clock clock,
                            SandboxCodeCheck codeCheck, Consumer<FunctionId> onDeleted, SecretAccess secrets) {
        this(repository, limitsPolicy, clock, codeCheck, onDeleted, secrets, ArchivePolicy.defaults());
    }

    /** @param archives the limits of code archives */
    public FunctionRegistry(FunctionRepository repository, LimitsPolicy limitsPolicy, Clock clock,
                            SandboxCodeCheck codeCheck, Consumer<FunctionId> onDeleted, SecretAccess secrets,
                            ArchivePolicy archives) {
        this(repository, limitsPolicy, clock, codeCheck, onDeleted, secrets, archives, DependencyBuilder.NONE);
    }

    /** @param egressPolicy whether versions may ask for network egress */
    public FunctionRegistry(FunctionRepository repository, LimitsPolicy limitsPolicy, Clock clock,
                            SandboxCodeCheck codeCheck, Consumer<FunctionId> onDeleted, EgressPolicy egressPolicy) {
        this(repository, limitsPolicy, clock, codeCheck, onDeleted, SecretAccess.NONE, ArchivePolicy.defaults(),
                DependencyBuilder.NONE, egressPolicy);
    }

    /** @param dependencies builds (or finds) the dependency layer of a version's requirements; egress refused */
    public FunctionRegistry(FunctionRepository repository, LimitsPolicy limitsPolicy, Clock clock,
                            SandboxCodeCheck codeCheck, Consumer<FunctionId> onDeleted, SecretAccess secrets,
                            ArchivePolicy archives, DependencyBuilder dependencies) {
        this(repository, limitsPolicy, clock, codeCheck, onDeleted, secrets, archives, dependencies,
                EgressPolicy.DENIED);
    }

    /** @param runtimes the language runtimes this node offers; a version of another one is refused */
    public FunctionRegistry(FunctionRepository repository, LimitsPolicy limitsPolicy, Clock clock,
                            SandboxCodeCheck codeCheck, Consumer<FunctionId> onDeleted, Collection<String> runtimes) {
        this(repository, limitsPolicy, clock, codeCheck, onDeleted, SecretAccess.NONE, ArchivePolicy.defaults(),
                DependencyBuilder.NONE, EgressPolicy.DENIED, runtimes);
    }

    /** @param egressPolicy whether versions may ask for network egress; the default runtime only */
    public FunctionRegistry(FunctionRepository repository, LimitsPolicy limitsPolicy, Clock clock,
                            SandboxCodeCheck codeCheck, Consumer<FunctionId> onDeleted, SecretAccess secrets,
                            ArchivePolicy archives, DependencyBuilder dependencies, EgressPolicy egressPolicy) {
        this(repository, limitsPolicy, clock, codeCheck, onDeleted, secrets, archives, dependencies, egressPolicy,
                Set.of(VersionOptions.DEFAULT_RUNTIME));
    }

    /**
     * @param dependencies builds (or finds) the dependency layer of a version's requirements before it is checked
     * @param egressPolicy whether versions may ask for network egress
     * @param runtimes     the language runtimes this node offers; a version of another one is refused
     */
    public FunctionRegistry(FunctionRepository repository, LimitsPolicy limitsPolicy, Clock clock,
                            SandboxCodeCheck codeCheck, Consumer<FunctionId> onDeleted, SecretAccess secrets,
                            ArchivePolicy archives, DependencyBuilder dependencies, EgressPolicy egressPolicy,
                            Collection<String> runtimes) {
        this(repository, limitsPolicy, clock, codeCheck, onDeleted, secrets, archives, dependencies, egressPolicy,
                runtimes, runtimes.contains("nodejs") ? Set.of("nodejs") : Set.of());
    }

    /**
     * @param runtimes       the language runtimes this node offers; a version of another one is refused
     * @param scriptRuntimes those of them whose runner is the Node.js one: their archives hold JavaScript modules
     */
    public FunctionRegistry(FunctionRepository repository, LimitsPolicy limitsPolicy, Clock clock,
                            SandboxCodeCheck codeCheck, Consumer<FunctionId> onDeleted, SecretAccess secrets,
                            ArchivePolicy archives, DependencyBuilder dependencies, EgressPolicy egressPolicy,
                            Collection<String> runtimes, Set<String> scriptRuntimes) {
        this.scriptRuntimes = Set.copyOf(scriptRuntimes);
        this.archives = archives;
        this.dependencies = dependencies;
        this.repository = repository;
        this.limitsPolicy = limitsPolicy;
        this.clock = clock;
        this.codeCheck = codeCheck;
        this.onDeleted = onDeleted;
        this.secrets = secrets;
        this.egressPolicy = egressPolicy;
        this.runtimes = Set.copyOf(runtimes);
    }

    /** A registry that stores code unchecked and has no instances to stop, for tests of storage alone. */
    public FunctionRegistry(FunctionRepository repository, LimitsPolicy limitsPolicy, Clock clock) {
        this(repository, limitsPolicy, clock, null, id -> { });
    }

    @Override
    public FunctionDefinition register(RegisterFunctionCommand command) {
        return registerVersion(command).definition();
    }

    /**
     * Checks and stores the version; with requirements (given, or the archive's {@code requirements.txt}; for a
     * Node.js runtime a package.json text, given or the archive's when it brings no node_modules), their
     * dependency layer is built on this node first (or found built), so the code check imports them too.
     */
    @Override
    public RegisteredVersion registerVersion(RegisterFunctionCommand command) {
        String storedCode = command.code();
        VersionOptions options = command.options();
        byte[] code;
        if (command.options().archive()) {
            CodeArchive archive = archive(command);
            code = archive.zip();
            java.util.Optional<String> archived = scriptRuntimes.contains(options.runtime())
                    ? archive.packageDependencies() : archive.requirements();
            if (options.requirements() == null && archived.isPresent()) {
                options = options.withRequirements(archived.get());
            }
            // Stored as canonical base64 of exactly the bytes checked: what the admin gets back.
            storedCode = Base64.getEncoder().encodeToString(code);
        } else {
            code = command.code().getBytes(StandardCharsets.UTF_8);
            if (code.length > limitsPolicy.maxCodeBytes()) {
                throw new PayloadTooLargeException("the function's code", limitsPolicy.maxCodeBytes());
            }
        }
        String runtime = command.options().runtime();
        if (!runtimes.contains(runtime)) {
            throw new InvalidRequestException("runtime", "unknown runtime '" + runtime + "': this node offers "
                    + String.join(", ", new TreeSet<>(runtimes)));
        }
        FunctionLimits limits = limitsPolicy.resolve(command.limits());
        egressPolicy.check(options, command.caller());
        secrets.requireStored(options.secrets());
        if (options.requirements() != null
                && options.requirements().getBytes(StandardCharsets.UTF_8).length > MAX_REQUIREMENTS_BYTES) {
            throw new PayloadTooLargeException("the requirements", MAX_REQUIREMENTS_BYTES);
        }
        DependencyBuilder.Layer layer = options.requirements() == null ? null
                : dependencies.layer(runtime, options.requirements());
        NewFunctionVersion candidate = new NewFunctionVersion(command.name(), storedCode, command.handler(),
                limits, clock.instant().truncatedTo(ChronoUnit.MILLIS), sha256(code), options);
        if (codeCheck != null) {
            codeCheck.check(candidate);
        }
        FunctionDefinition added = repository.add(candidate);
        versionsChanged(added.name());
        return new RegisteredVersion(added, layer);
    }

    @Override
    public List<FunctionSummary> list(FunctionName afterName, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidRequestException("limit", "limit must be between 1 and " + MAX_PAGE + ", got " + limit);
        }
        return repository.list(afterName, limit);
    }

    @Override
    public List<FunctionDefinition> versions(FunctionName name) {
        List<FunctionDefinition> versions = repository.versions(name);
        if (versions.isEmpty()) {
            throw new FunctionNotFoundException(name);
        }
        return versions;
    }

    @Override
    public FunctionDefinition version(FunctionId id) {
        return repository.find(id).orElseThrow(() -> new FunctionNotFoundException(id));
    }

    @Override
    public FunctionDefinition latest(FunctionName name) {
        return repository.findLatest(name).orElseThrow(() -> new FunctionNotFoundException(name));
    }

    @Override
    public FunctionId latestId(FunctionName name) {
        if (!cachingLatestIds) {
            return latest(name).id();
        }
        FunctionId cached = latestIds.get(name);
        if (cached != null) {
            return cached;
        }
        long changesBefore = changes.get();
        FunctionId loaded = latest(name).id();
        if (changes.get() == changesBefore) {
            latestIds.put(name, loaded);
            if (changes.get() != changesBefore) {
                // A version registered or deleted between the read and the put: the next call reads again.
                latestIds.remove(name, loaded);
            }
        }
        return loaded;
    }

    /**
     * Answers {@link #latestId} from memory from now on. Sound only while every version registered or deleted by
     * another node sharing the store reaches {@link #versionsChanged} (the change follower does it); until then such
     * a call by name may run the version it ran before.
     */
    public void cacheLatestIds() {
        cachingLatestIds = true;
    }

    /** A version of {@code name} was registered or deleted, here or on another node: its latest is read again. */
    public void versionsChanged(FunctionName name) {
        changes.incrementAndGet();
        latestIds.remove(name);
    }

    @Override
    public void delete(FunctionId id) {
        if (!repository.delete(id)) {
            throw new FunctionNotFoundException(id);
        }
        versionsChanged(id.name());
        onDeleted.accept(id);
    }

    @Override
    public List<FunctionId> deleteAll(FunctionName name) {
        List<FunctionId> deleted = repository.deleteAll(name);
        if (deleted.isEmpty()) {
            throw new FunctionNotFoundException(name);
        }
        versionsChanged(name);
        deleted.forEach(onDeleted);
        return deleted;
    }

    /** The archive's bytes, checked: a zip within the limits, safe paths, no links, the handler's module in it. */
    private CodeArchive archive(RegisterFunctionCommand command) {
        byte[] zip;
        try {
            zip = Base64.getMimeDecoder().decode(command.code());
        } catch (IllegalArgumentException e) {
            throw new InvalidArchiveException(InvalidArchiveException.Reason.NOT_A_ZIP,
                    "the archive is not base64: " + e.getMessage());
        }
        CodeArchive archive = CodeArchive.read(zip, archives.maxUnpackedBytes(), archives.maxFiles());
        String module = command.handler().substring(0, command.handler().lastIndexOf('.'));
        if (scriptRuntimes.contains(command.options().runtime())) {
            if (!archive.hasScriptModule(module)) {
                throw new InvalidArchiveException(InvalidArchiveException.Reason.HANDLER_MODULE_MISSING,
                        "the archive has no module '" + module + "' (" + module.replace('.', '/') + ".js, .cjs, .mjs"
                                + " or " + module.replace('.', '/') + "/index.js) for the handler '"
                                + command.handler() + "'");
            }
            return archive;
        }
        if (!archive.hasModule(module)) {
            throw new InvalidArchiveException(InvalidArchiveException.Reason.HANDLER_MODULE_MISSING,
                    "the archive has no module '" + module + "' (" + module.replace('.', '/') + ".py) for the handler '"
                            + command.handler() + "'");
        }
        return archive;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
