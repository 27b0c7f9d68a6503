package dev.faas.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The annotated test class or method needs a Docker engine and (unless {@code image = false}) the function image
 * {@link DockerAvailability#functionImage()}, and with {@code nodeImage = true} the nodejs function image
 * {@link DockerAvailability#nodeFunctionImage()}: without them it is skipped with the reason, or fails when
 * {@code FAAS_REQUIRE_DOCKER=true} (CI sets it, so a broken engine never passes as a skip).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RequiresDockerCondition.class)
public @interface RequiresDocker {

    /** Whether the function image must be on the engine too; false for tests that only talk to the engine. */
    boolean image() default true;

    /** Whether the nodejs function image must be on the engine too. */
    boolean nodeImage() default false;
}
