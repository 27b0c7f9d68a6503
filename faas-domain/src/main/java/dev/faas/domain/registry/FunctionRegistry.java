package dev.faas.domain.registry;

import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.PayloadTooLargeException;
import dev.faas.ports.in.DeleteFunctionUseCase;
import dev.faas.ports.in.GetFunctionUseCase;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.in.RegisterFunctionUseCase;
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
import java.util.HexFormat;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The functions' lifecycle: registers versions (checks the code's size, the limits asked for and, in a sandbox, that
 * the code loads, then lets the repository allocate the next immutable version), reads them, and deletes them,
 * stopping their instances. Thread-safe.
 */
public final class FunctionRegistry implements RegisterFunctionUseCase, GetFunctionUseCase, DeleteFunctionUseCase {

    /** The most names one page of {@link #list} returns. */
    public static final int MAX_PAGE = 1000;

    private final FunctionRepository repository;
    private final LimitsPolicy limitsPolicy;
    private final Clock clock;
    private final SandboxCodeCheck codeCheck;
    private final Consumer<FunctionId> onDeleted;
    private final Set<String> runtimes;

    /**
     * @param codeCheck checks code before it is stored; null stores it unchecked
     * @param onDeleted told of every deleted version, to stop its instances
     * @param runtimes  the language runtimes this node offers; a version asking for another is refused
     */
    public FunctionRegistry(FunctionRepository repository, LimitsPolicy limitsPolicy, Clock clock,
                            SandboxCodeCheck codeCheck, Consumer<FunctionId> onDeleted, Collection<String> runtimes) {
        this.repository = repository;
        this.limitsPolicy = limitsPolicy;
        this.clock = clock;
        this.codeCheck = codeCheck;
        this.onDeleted = onDeleted;
        this.runtimes = Set.copyOf(runtimes);
    }

    /** A registry offering the default runtime only. */
    public FunctionRegistry(FunctionRepository repository, LimitsPolicy limitsPolicy, Clock clock,
                            SandboxCodeCheck codeCheck, Consumer<FunctionId> onDeleted) {
        this(repository, limitsPolicy, clock, codeCheck, onDeleted, Set.of(VersionOptions.DEFAULT_RUNTIME));
    }

    /** A registry that stores code unchecked and has no instances to stop, for tests of storage alone. */
    public FunctionRegistry(FunctionRepository repository, LimitsPolicy limitsPolicy, Clock clock) {
        this(repository, limitsPolicy, clock, null, id -> { });
    }

    @Override
    public FunctionDefinition register(RegisterFunctionCommand command) {
        byte[] code = command.code().getBytes(StandardCharsets.UTF_8);
        if (code.length > limitsPolicy.maxCodeBytes()) {
            throw new PayloadTooLargeException("the function's code", limitsPolicy.maxCodeBytes());
        }
        String runtime = command.options().runtime();
        if (!runtimes.contains(runtime)) {
            throw new InvalidRequestException("runtime", "unknown runtime '" + runtime + "': this node offers "
                    + String.join(", ", new TreeSet<>(runtimes)));
        }
        FunctionLimits limits = limitsPolicy.resolve(command.limits());
        NewFunctionVersion candidate = new NewFunctionVersion(command.name(), command.code(), command.handler(),
                limits, clock.instant().truncatedTo(ChronoUnit.MILLIS), sha256(code), command.options());
        if (codeCheck != null) {
            codeCheck.check(candidate);
        }
        return repository.add(candidate);
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
    public void delete(FunctionId id) {
        if (!repository.delete(id)) {
            throw new FunctionNotFoundException(id);
        }
        onDeleted.accept(id);
    }

    @Override
    public List<FunctionId> deleteAll(FunctionName name) {
        List<FunctionId> deleted = repository.deleteAll(name);
        if (deleted.isEmpty()) {
            throw new FunctionNotFoundException(name);
        }
        deleted.forEach(onDeleted);
        return deleted;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
