package dev.faas.ports.out;

/**
 * Names the problem type of a failure as the HTTP API's problem documents do (such as {@code function-error}), for
 * records that outlive the call, like an asynchronous call's activation. The HTTP adapter provides one as a
 * {@link java.util.ServiceLoader} service, so a platform embedded with it names failures exactly as its API does.
 */
@FunctionalInterface
public interface ProblemNaming {

    String slug(RuntimeException failure);
}
