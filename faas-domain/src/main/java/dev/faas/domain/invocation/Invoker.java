package dev.faas.domain.invocation;

import dev.faas.domain.pool.InstancePool;
import dev.faas.domain.secrets.SecretAccess;
import dev.faas.ports.error.ForgedReplyException;
import dev.faas.ports.error.FunctionCodeException;
import dev.faas.ports.error.FunctionInitException;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.in.InvokeFunctionUseCase;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.model.StartKind;
import dev.faas.ports.out.FunctionRepository;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.InvocationObserver;
import dev.faas.ports.out.RunOutput;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs function calls on instances leased from the pool (which alone starts and stops them): a warm instance of the
 * version as it is, a pre-warmed or newly started one after loading the version's code into it. Definitions are
 * cached by id (versions are immutable), so a warm call touches no repository; a deleted version is
 * {@link #forget forgotten}, whichever node deleted it, and the pool refuses it from then on. Thread-safe; calls hold
 * the pool's lock only to take and give back an instance, never while the instance runs.
 */
public final class Invoker implements InvokeFunctionUseCase {

    private final FunctionRepository repository;
    private final FunctionRuntime runtime;
    private final InstancePool pool;
    private final InvocationObserver observer;
    private final SecretAccess secrets;
    private final ConcurrentHashMap<FunctionId, FunctionDefinition> definitions = new ConcurrentHashMap<>();
    /** Moved on by every {@link #forget}, so a definition loaded meanwhile is checked again before it is kept. */
    private final AtomicLong forgets = new AtomicLong();

    public Invoker(FunctionRepository repository, FunctionRuntime runtime, InstancePool pool,
                   InvocationObserver observer) {
        this(repository, runtime, pool, observer, SecretAccess.NONE);
    }

    /** @param secrets gives each instance specialised for a version the values of the secrets it reads */
    public Invoker(FunctionRepository repository, FunctionRuntime runtime, InstancePool pool,
                   InvocationObserver observer, SecretAccess secrets) {
        this.repository = repository;
        this.runtime = runtime;
        this.pool = pool;
        this.observer = observer;
        this.secrets = secrets;
    }

    public Invoker(FunctionRepository repository, FunctionRuntime runtime, InstancePool pool) {
        this(repository, runtime, pool, InvocationObserver.NONE);
    }

    @Override
    public InvocationResult invoke(InvokeFunctionCommand command) {
        long startNanos = System.nanoTime();
        try {
            InvocationResult result = invoke(command, startNanos);
            observer.succeeded(result);
            return result;
        } catch (RuntimeException e) {
            observer.failed(command.functionId(), e, Duration.ofNanos(System.nanoTime() - startNanos));
            throw e;
        }
    }

    private InvocationResult invoke(InvokeFunctionCommand command, long startNanos) {
        FunctionDefinition definition = definition(command.functionId());
        long queuedNanos = System.nanoTime();
        InstancePool.Lease lease = pool.acquire(definition);
        long acquiredNanos = System.nanoTime();
        boolean healthy = false;
        try {
            if (lease.startKind() != StartKind.WARM) {
                // Read at every specialisation: a rotated secret reaches every instance specialised from now on.
                runtime.init(lease.instance(), definition, secrets.specialise(definition));
            }
            long readyNanos = System.nanoTime();
            RunOutput output = runtime.run(lease.instance(), command.paramsJson(), definition.limits().timeout());
            healthy = true;
            long doneNanos = System.nanoTime();
            return new InvocationResult(definition.id(), output.resultJson(), lease.startKind(),
                    Duration.ofNanos(acquiredNanos - queuedNanos), Duration.ofNanos(readyNanos - acquiredNanos),
                    Duration.ofNanos(doneNanos - readyNanos), Duration.ofNanos(doneNanos - startNanos),
                    output.logs(), output.logsTruncated());
        } catch (FunctionCodeException | InvalidRequestException e) {
            // The user's code or params failed, not the instance: it stays warm, unless it never loaded the code or
            // forged a reply on its socket (the runner's own reply may follow and answer the next call).
            healthy = !(e instanceof FunctionInitException) && !(e instanceof ForgedReplyException);
            throw e;
        } finally {
            if (healthy) {
                lease.release();
            } else {
                lease.discard();
            }
        }
    }

    /**
     * Readies an instance of {@code id} with its code loaded (import-time code runs, as in the registration's check)
     * and gives it back idle without calling the handler, so that the next call finds it warm. A test harness warms
     * its functions this way before the first test.
     */
    public void warm(FunctionId id) {
        FunctionDefinition definition = definition(id);
        InstancePool.Lease lease = pool.acquire(definition);
        boolean healthy = false;
        try {
            if (lease.startKind() != StartKind.WARM) {
                runtime.init(lease.instance(), definition);
            }
            healthy = true;
        } finally {
            if (healthy) {
                lease.release();
            } else {
                lease.discard();
            }
        }
    }

    /** The stored definition of {@code id}, from the cache when it was seen before. */
    public FunctionDefinition definition(FunctionId id) {
        FunctionDefinition cached = definitions.get(id);
        if (cached != null) {
            return cached;
        }
        long forgetsBefore = forgets.get();
        FunctionDefinition loaded = repository.find(id).orElseThrow(() -> new FunctionNotFoundException(id));
        definitions.putIfAbsent(id, loaded);
        if (forgets.get() != forgetsBefore && repository.find(id).isEmpty()) {
            // Deleted, and forgotten, between the read and the put: keeping it would serve it until restart.
            definitions.remove(id);
            throw new FunctionNotFoundException(id);
        }
        return loaded;
    }

    /**
     * Forgets a deleted version and stops its instances: idle ones now, busy ones when their call ends. Idempotent,
     * and harmless for a version this node never saw.
     */
    public void forget(FunctionId id) {
        forgets.incrementAndGet();
        definitions.remove(id);
        pool.retire(id);
    }
}
