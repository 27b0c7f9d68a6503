package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.FunctionSummary;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The JSON documents of the functions API: camelCase members, ISO-8601 UTC timestamps with milliseconds. */
final class FunctionDocuments {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private FunctionDocuments() {
    }

    /** {@code {"functions":[...],"next":...}}; {@code next} is the last name of a full page, else null. */
    static String page(List<FunctionSummary> summaries, int pageSize) {
        ObjectNode page = JsonNodeFactory.instance.objectNode();
        ArrayNode functions = page.putArray("functions");
        for (FunctionSummary summary : summaries) {
            functions.addObject()
                    .put("name", summary.name().value())
                    .put("latestVersion", summary.latestVersion())
                    .put("versions", summary.versionCount())
                    .put("runtime", summary.latestRuntime());
        }
        if (!summaries.isEmpty() && summaries.size() >= pageSize) {
            page.put("next", summaries.get(summaries.size() - 1).name().value());
        } else {
            page.putNull("next");
        }
        return Json.write(page);
    }

    /** {@code {"name":...,"versions":[<metadata>...]}}, without code. */
    static String versions(FunctionName name, List<FunctionDefinition> definitions) {
        ObjectNode document = JsonNodeFactory.instance.objectNode().put("name", name.value());
        ArrayNode versions = document.putArray("versions");
        definitions.forEach(definition -> versions.add(metadata(definition)));
        return Json.write(document);
    }

    /** One version's metadata, and its code when {@code withCode}. */
    static String version(FunctionDefinition definition, boolean withCode) {
        ObjectNode document = metadata(definition);
        if (withCode) {
            // An archive's code is its zip, base64, exactly as checked at registration.
            document.put(definition.options().archive() ? "archive" : "code", definition.code());
            // The environment is configuration the admin set; secrets are named only, never valued.
            ObjectNode env = document.putObject("env");
            new java.util.TreeMap<>(definition.options().env()).forEach(env::put);
            if (definition.options().requirements() != null) {
                document.put("requirements", definition.options().requirements());
            }
        }
        return Json.write(document);
    }

    /** {@code {"deleted":["hello-1",...]}}. */
    static String deleted(List<FunctionId> ids) {
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        ArrayNode deleted = document.putArray("deleted");
        ids.forEach(id -> deleted.add(id.toString()));
        return Json.write(document);
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    private static ObjectNode metadata(FunctionDefinition definition) {
        ObjectNode metadata = JsonNodeFactory.instance.objectNode()
                .put("id", definition.id().toString())
                .put("name", definition.name().value())
                .put("version", definition.version())
                .put("handler", definition.handler())
                .put("runtime", definition.options().runtime())
                .put("network", definition.options().network());
        metadata.putObject("limits")
                .put("timeoutMs", definition.limits().timeout().toMillis())
                .put("memoryMb", definition.limits().memoryMb())
                .put("maxInstances", definition.limits().maxInstances());
        metadata.put("createdAt", timestamp(definition.createdAt()))
                .put("codeSha256", definition.codeSha256());
        if (definition.options().archive()) {
            metadata.put("archiveSha256", definition.codeSha256());
        }
        if (!definition.options().secrets().isEmpty()) {
            ArrayNode secrets = metadata.putArray("secrets");
            definition.options().secrets().forEach(secrets::add);
        }
        return metadata;
    }
}
