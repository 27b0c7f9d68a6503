package dev.faas.adapter.jaxrs;

import dev.faas.ports.in.ActivationsUseCase;
import dev.faas.ports.in.DeleteFunctionUseCase;
import dev.faas.ports.in.InvokeAsyncUseCase;
import dev.faas.ports.in.GetFunctionUseCase;
import dev.faas.ports.in.InvokeFunctionUseCase;
import dev.faas.ports.in.ManageSchedulesUseCase;
import dev.faas.ports.in.ReadinessUseCase;
import dev.faas.ports.in.RegisterFunctionUseCase;
import java.util.Objects;

/**
 * The use cases the HTTP API drives, one per kind of request; without {@code async}, {@code activations} and
 * {@code schedules} (null), asynchronous and recorded calls and schedules are refused and {@code /activations} finds
 * nothing.
 */
public record ApiUseCases(
        RegisterFunctionUseCase register,
        InvokeFunctionUseCase invoke,
        GetFunctionUseCase get,
        DeleteFunctionUseCase delete,
        ReadinessUseCase readiness,
        InvokeAsyncUseCase async,
        ActivationsUseCase activations,
        ManageSchedulesUseCase schedules) {

    /** Without asynchronous calls and activation records. */
    public ApiUseCases(RegisterFunctionUseCase register, InvokeFunctionUseCase invoke, GetFunctionUseCase get,
                       DeleteFunctionUseCase delete, ReadinessUseCase readiness) {
        this(register, invoke, get, delete, readiness, null, null, null);
    }

    public ApiUseCases {
        Objects.requireNonNull(register, "register");
        Objects.requireNonNull(invoke, "invoke");
        Objects.requireNonNull(get, "get");
        Objects.requireNonNull(delete, "delete");
        Objects.requireNonNull(readiness, "readiness");
    }
}
