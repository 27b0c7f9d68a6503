package dev.faas.ports.in;

import dev.faas.ports.model.OfferedRuntime;
import java.util.List;

/** Lists the language runtimes a version may ask for on this node ({@code GET /runtimes}). Thread-safe. */
public interface ListRuntimesUseCase {

    /** The runtimes, the default ({@code python3}) first. */
    List<OfferedRuntime> runtimes();
}
