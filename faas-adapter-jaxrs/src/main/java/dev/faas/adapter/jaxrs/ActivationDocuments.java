package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationOutcome;
import java.time.Instant;
import java.util.List;

/** The JSON documents of activations: camelCase members, ISO-8601 UTC timestamps with milliseconds. */
public final class ActivationDocuments {

    /** Where an activation is read: {@code /activations/{id}}. */
    static final String PATH = "/activations/";

    private ActivationDocuments() {
    }

    /** {@code {"activationId": ...}}, the body of a 202. */
    static String accepted(Activation activation) {
        return Json.write(JsonNodeFactory.instance.objectNode().put("activationId", activation.id().value()));
    }

    /** {@code {"activations":[...],"next":...}}; {@code next} is the last id of a full page, else null. */
    static String page(List<Activation> activations, int pageSize) {
        ObjectNode page = JsonNodeFactory.instance.objectNode();
        ArrayNode items = page.putArray("activations");
        activations.forEach(activation -> items.add(tree(activation, false)));
        if (!activations.isEmpty() && activations.size() >= pageSize) {
            page.put("next", activations.get(activations.size() - 1).id().value());
        } else {
            page.putNull("next");
        }
        return Json.write(page);
    }

    /** One activation with its result or problem and its logs. */
    public static String activation(Activation activation) {
        return Json.write(tree(activation, true));
    }

    /** An activation as a tree; {@code full}: with result, problem and logs, else the summary a listing shows. */
    static ObjectNode tree(Activation activation, boolean full) {
        ObjectNode document = JsonNodeFactory.instance.objectNode()
                .put("activationId", activation.id().value())
                .put("function", activation.functionId().toString())
                .put("status", activation.status().label())
                .put("async", activation.async())
                .put("attempt", activation.attempt())
                .put("maxAttempts", activation.maxAttempts());
        document.put("node", activation.nodeId());
        time(document, "queuedAt", activation.queuedAt());
        time(document, "startedAt", activation.startedAt());
        ActivationOutcome outcome = activation.outcome();
        time(document, "endedAt", outcome == null ? null : outcome.endedAt());
        document.put("startKind", outcome == null || outcome.startKind() == null ? null : outcome.startKind().label());
        if (outcome != null && outcome.initTime() != null) {
            document.put("initMs", outcome.initTime().toMillis());
        } else {
            document.putNull("initMs");
        }
        if (outcome != null && outcome.duration() != null) {
            document.put("durationMs", outcome.duration().toMillis());
        } else {
            document.putNull("durationMs");
        }
        if (activation.callbackUrl() != null) {
            document.put("callbackUrl", activation.callbackUrl());
        }
        if (!full) {
            return document;
        }
        if (outcome != null && outcome.resultJson() != null) {
            // The runner's JSON, spliced in as it is.
            document.putRawValue("result", new RawValue(outcome.resultJson()));
        } else {
            document.putNull("result");
        }
        document.set("problem", problem(outcome));
        document.put("logs", outcome == null ? "" : outcome.logs());
        return document;
    }

    private static JsonNode problem(ActivationOutcome outcome) {
        if (outcome == null || outcome.problemType() == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        ProblemType type = ProblemType.ofSlug(outcome.problemType());
        return JsonNodeFactory.instance.objectNode()
                .put("type", type == ProblemType.INTERNAL_ERROR ? "urn:faas:problem:" + outcome.problemType()
                        : type.uri())
                .put("title", type.title())
                .put("detail", outcome.problemDetail());
    }

    private static void time(ObjectNode document, String member, Instant instant) {
        if (instant == null) {
            document.putNull(member);
        } else {
            document.put(member, FunctionDocuments.timestamp(instant));
        }
    }
}
