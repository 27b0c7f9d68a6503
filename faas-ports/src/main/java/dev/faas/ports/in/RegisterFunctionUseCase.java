package dev.faas.ports.in;

import dev.faas.ports.model.FunctionDefinition;

/** Registers a new immutable version of a function. Thread-safe. */
public interface RegisterFunctionUseCase {

    /** Validates the command, stores it as the name's next version and returns what was stored. */
    FunctionDefinition register(RegisterFunctionCommand command);

    /** As {@link #register}, also telling the dependency layer the version got, if it has requirements. */
    default RegisteredVersion registerVersion(RegisterFunctionCommand command) {
        return new RegisteredVersion(register(command), null);
    }
}
