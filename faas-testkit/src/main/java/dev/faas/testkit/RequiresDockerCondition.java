package dev.faas.testkit;

import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Evaluates {@link RequiresDocker}: enabled when the engine (and the image) answer, disabled with the reason when
 * they do not, and an error instead of a skip when {@code FAAS_REQUIRE_DOCKER=true}. The engine is probed once per
 * JVM and image.
 */
public final class RequiresDockerCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<RequiresDocker> requirement = context.getElement()
                .flatMap(element -> AnnotationSupport.findAnnotation(element, RequiresDocker.class))
                .or(() -> context.getTestClass()
                        .flatMap(type -> AnnotationSupport.findAnnotation(type, RequiresDocker.class)));
        if (requirement.isEmpty()) {
            return ConditionEvaluationResult.enabled("no Docker requirement");
        }
        String problem = DockerAvailability.unavailability(requirement.get().image());
        if (problem == null && requirement.get().nodeImage()) {
            problem = DockerAvailability.nodeImageUnavailability();
        }
        if (problem == null) {
            return ConditionEvaluationResult.enabled("the Docker engine answers"
                    + (requirement.get().image() ? " and holds " + DockerAvailability.functionImage() : "")
                    + (requirement.get().nodeImage() ? " and " + DockerAvailability.nodeFunctionImage() : ""));
        }
        if (DockerAvailability.required()) {
            throw new IllegalStateException("FAAS_REQUIRE_DOCKER=true but " + problem);
        }
        return ConditionEvaluationResult.disabled("skipped: " + problem
                + " (with FAAS_REQUIRE_DOCKER=true this fails instead)");
    }
}
