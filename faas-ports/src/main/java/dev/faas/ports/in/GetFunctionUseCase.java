package dev.faas.ports.in;

import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.FunctionSummary;
import java.util.List;

/** Reads stored functions. Thread-safe. */
public interface GetFunctionUseCase {

    /** Names in ascending order after {@code afterName} (null: from the first), at most {@code limit} of them. */
    List<FunctionSummary> list(FunctionName afterName, int limit);

    /**
     * Every live version of {@code name}, oldest first.
     *
     * @throws dev.faas.ports.error.FunctionNotFoundException if the name has no live version
     */
    List<FunctionDefinition> versions(FunctionName name);

    /** @throws dev.faas.ports.error.FunctionNotFoundException if the version does not exist */
    FunctionDefinition version(FunctionId id);

    /** @throws dev.faas.ports.error.FunctionNotFoundException if the name has no live version */
    FunctionDefinition latest(FunctionName name);

    /**
     * The id of {@code name}'s latest version: what a call by name runs. An implementation may answer from memory.
     *
     * @throws dev.faas.ports.error.FunctionNotFoundException if the name has no live version
     */
    default FunctionId latestId(FunctionName name) {
        return latest(name).id();
    }
}
