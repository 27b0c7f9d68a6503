package dev.faas.adapter.jaxrs;

import dev.faas.ports.in.DeleteFunctionUseCase;
import dev.faas.ports.in.GetFunctionUseCase;
import dev.faas.ports.in.InvokeFunctionUseCase;
import dev.faas.ports.in.ReadinessUseCase;
import dev.faas.ports.in.RegisterFunctionUseCase;
import java.util.Objects;

/** The use cases the HTTP API drives, one per kind of request. */
public record ApiUseCases(
        RegisterFunctionUseCase register,
        InvokeFunctionUseCase invoke,
        GetFunctionUseCase get,
        DeleteFunctionUseCase delete,
        ReadinessUseCase readiness) {

    public ApiUseCases {
        Objects.requireNonNull(register, "register");
        Objects.requireNonNull(invoke, "invoke");
        Objects.requireNonNull(get, "get");
        Objects.requireNonNull(delete, "delete");
        Objects.requireNonNull(readiness, "readiness");
    }
}
