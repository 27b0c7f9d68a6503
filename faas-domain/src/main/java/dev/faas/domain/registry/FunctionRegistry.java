package dev.faas.domain.registry;

import dev.faas.ports.error.PayloadTooLargeException;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.in.RegisterFunctionUseCase;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.NewFunctionVersion;
import dev.faas.ports.out.FunctionRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * Registers function versions: checks the code's size and the limits asked for, then lets the repository allocate
 * the next immutable version. Thread-safe.
 */
public final class FunctionRegistry implements RegisterFunctionUseCase {

    private final FunctionRepository repository;
    private final LimitsPolicy limitsPolicy;
    private final Clock clock;

    public FunctionRegistry(FunctionRepository repository, LimitsPolicy limitsPolicy, Clock clock) {
        this.repository = repository;
        this.limitsPolicy = limitsPolicy;
        this.clock = clock;
    }

    @Override
    public FunctionDefinition register(RegisterFunctionCommand command) {
        byte[] code = command.code().getBytes(StandardCharsets.UTF_8);
        if (code.length > limitsPolicy.maxCodeBytes()) {
            throw new PayloadTooLargeException("the function's code", limitsPolicy.maxCodeBytes());
        }
        FunctionLimits limits = limitsPolicy.resolve(command.limits());
        return repository.add(new NewFunctionVersion(command.name(), command.code(), command.handler(), limits,
                clock.instant().truncatedTo(ChronoUnit.MILLIS), sha256(code)));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
