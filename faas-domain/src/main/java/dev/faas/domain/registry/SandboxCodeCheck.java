package dev.faas.domain.registry;

import dev.faas.domain.pool.InstancePool;
import dev.faas.domain.secrets.SecretAccess;
import dev.faas.ports.error.FunctionInitException;
import dev.faas.ports.error.InstanceTimeoutException;
import dev.faas.ports.error.InvalidCodeException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.NewFunctionVersion;
import dev.faas.ports.out.FunctionRuntime;
import java.time.Duration;

/**
 * Checks that code loads before it is stored: compiles it and looks up its handler in an instance of the runtime, a
 * sandbox, never in the platform's own process. The instance comes from the pre-warm stock when it has one of the
 * version's memory size (else it is started cold) and is stopped after the check, never given back. Thread-safe.
 */
public final class SandboxCodeCheck {

    /** Import-time code gets this long at most, whatever the function's own timeout. */
    static final Duration MAX_CHECK_TIME = Duration.ofSeconds(30);
    /** The version the throwaway instance is labelled with; real versions start at 1 and never reach it. */
    private static final int CHECK_VERSION = Integer.MAX_VALUE;

    private final FunctionRuntime runtime;
    private final InstancePool pool;
    private final SecretAccess secrets;

    /** Checks in instances of {@code runtime} that {@code pool} provides and counts against the node's limits. */
    public SandboxCodeCheck(FunctionRuntime runtime, InstancePool pool) {
        this(runtime, pool, SecretAccess.NONE);
    }

    /** As above, giving the checked code its environment and secrets, which import-time code may read. */
    public SandboxCodeCheck(FunctionRuntime runtime, InstancePool pool, SecretAccess secrets) {
        this.runtime = runtime;
        this.pool = pool;
        this.secrets = secrets;
    }

    /** @throws InvalidCodeException if the code does not compile, raises at import or lacks its handler */
    public void check(NewFunctionVersion candidate) {
        FunctionLimits limits = candidate.limits();
        Duration checkTime = limits.timeout().compareTo(MAX_CHECK_TIME) < 0 ? limits.timeout() : MAX_CHECK_TIME;
        FunctionDefinition definition = new FunctionDefinition(new FunctionId(candidate.name(), CHECK_VERSION),
                candidate.code(), candidate.handler(),
                new FunctionLimits(checkTime, limits.memoryMb(), limits.maxInstances()), candidate.createdAt(),
                candidate.codeSha256(), candidate.options());
        pool.withThrowawayInstance(definition.id(), limits.memoryMb(), candidate.options().runtime(), lease -> {
            try {
                runtime.init(lease.instance(), definition, secrets.specialise(definition));
            } catch (FunctionInitException e) {
                throw new InvalidCodeException(e.errorType(), e.errorMessage(), e.line(), e.traceback());
            } catch (InstanceTimeoutException e) {
                throw new InvalidCodeException("InitTimeout",
                        "loading the code took longer than " + checkTime.toMillis() + " ms", 0, "");
            }
        });
    }
}
