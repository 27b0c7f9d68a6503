package dev.faas.ports.out;

import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.LanguageRuntime;
import dev.faas.ports.model.VersionOptions;
import java.time.Duration;
import java.util.List;

/**
 * Starts, specialises, calls and stops sandboxed instances of a language runtime's runner. Thread-safe: different instances
 * may be used from different threads at once, but each instance is used by one thread at a time.
 */
public interface FunctionRuntime extends AutoCloseable {

    /** A short name for logs and metrics, such as {@code process} or {@code docker}. */
    String name();

    /**
     * Starts an instance with the runner loaded and no code.
     *
     * @throws dev.faas.ports.error.UnableToStartInstanceException with the reason and the instance's last output
     */
    Instance start(InstanceSpec spec);

    /**
     * Loads {@code definition}'s code into a started instance and checks its handler exists; at most
     * {@code definition.limits().timeout()} is allowed for it.
     *
     * @throws dev.faas.ports.error.FunctionInitException if the code does not load
     * @throws dev.faas.ports.error.PlatformException if the instance failed
     */
    void init(Instance instance, FunctionDefinition definition);

    /**
     * As {@link #init(Instance, FunctionDefinition)}, also giving the instance the values the version needs beyond its
     * definition (its secrets). A runtime that cannot deliver secrets refuses a version that reads any.
     */
    default void init(Instance instance, FunctionDefinition definition, Specialisation specialisation) {
        if (!specialisation.secretValues().isEmpty() || specialisation.dependencies() != null) {
            throw new UnsupportedOperationException("the " + name() + " runtime cannot deliver secrets or"
                    + " dependencies");
        }
        init(instance, definition);
    }

    /**
     * Calls the loaded handler with {@code paramsJson} as keyword arguments. Past {@code timeout} the instance is
     * killed and {@link dev.faas.ports.error.InstanceTimeoutException} thrown; it must not be used again.
     *
     * @throws dev.faas.ports.error.FunctionCodeException if the handler raised or returned something not JSON
     * @throws dev.faas.ports.error.ForgedReplyException if the function wrote a reply of its own on the instance's
     *     protocol; the instance must not be used again
     * @throws dev.faas.ports.error.PlatformException if the instance died, timed out or broke the protocol
     */
    RunOutput run(Instance instance, String paramsJson, Duration timeout);

    /** Stops and removes the instance. Idempotent; never throws. */
    void stop(Instance instance);

    /**
     * Whether the runtime can start instances right now (its engine answers), for readiness checks. Answers quickly,
     * within about a second, and never throws; a runtime with nothing external to depend on is always available.
     */
    default boolean available() {
        return true;
    }

    /**
     * The language runtimes this runtime can start instances of ({@link InstanceSpec#runtime()}), the default
     * ({@value VersionOptions#DEFAULT_RUNTIME}) first. A runtime that knows only Python need not override it.
     */
    default List<LanguageRuntime> languageRuntimes() {
        return List.of(new LanguageRuntime(VersionOptions.DEFAULT_RUNTIME, "python", name(), null));
    }

    /** Ids of the instances this runtime started and has not stopped. */
    List<String> running();

    /** Stops every instance this runtime started. */
    @Override
    void close();
}
