package dev.faas.ports.in;

import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import java.util.List;

/**
 * Deletes function versions and stops their instances. Deleted version numbers are never reused. Thread-safe.
 */
public interface DeleteFunctionUseCase {

    /** @throws dev.faas.ports.error.FunctionNotFoundException if the version does not exist */
    void delete(FunctionId id);

    /**
     * Deletes every version of {@code name} and returns their ids.
     *
     * @throws dev.faas.ports.error.FunctionNotFoundException if the name has no live version
     */
    List<FunctionId> deleteAll(FunctionName name);
}
