package dev.faas.adapter.jaxrs;

import dev.faas.ports.in.ActivationsUseCase;
import dev.faas.ports.in.DeleteFunctionUseCase;
import dev.faas.ports.in.InvokeAsyncUseCase;
import dev.faas.ports.in.GetFunctionUseCase;
import dev.faas.ports.in.InvokeFunctionUseCase;
import dev.faas.ports.in.ListRuntimesUseCase;
import dev.faas.ports.in.ManageSchedulesUseCase;
import dev.faas.ports.in.ReadinessUseCase;
import dev.faas.ports.in.RegisterFunctionUseCase;
import dev.faas.ports.model.LanguageRuntime;
import dev.faas.ports.model.OfferedRuntime;
import dev.faas.ports.model.VersionOptions;
import java.util.List;
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
        ListRuntimesUseCase runtimes,
        InvokeAsyncUseCase async,
        ActivationsUseCase activations,
        ManageSchedulesUseCase schedules) {

    public ApiUseCases {
        Objects.requireNonNull(register, "register");
        Objects.requireNonNull(invoke, "invoke");
        Objects.requireNonNull(get, "get");
        Objects.requireNonNull(delete, "delete");
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(runtimes, "runtimes");
    }

    /** Without asynchronous calls and activation records. */
    public ApiUseCases(RegisterFunctionUseCase register, InvokeFunctionUseCase invoke, GetFunctionUseCase get,
                       DeleteFunctionUseCase delete, ReadinessUseCase readiness, ListRuntimesUseCase runtimes) {
        this(register, invoke, get, delete, readiness, runtimes, null, null, null);
    }

    /** Use cases of a node offering Python alone, without pre-warming: for tests of the other endpoints. */
    public ApiUseCases(RegisterFunctionUseCase register, InvokeFunctionUseCase invoke, GetFunctionUseCase get,
                       DeleteFunctionUseCase delete, ReadinessUseCase readiness) {
        this(register, invoke, get, delete, readiness, () -> List.of(new OfferedRuntime(
                new LanguageRuntime(VersionOptions.DEFAULT_RUNTIME, "python", "python3", null), false)));
    }
}
