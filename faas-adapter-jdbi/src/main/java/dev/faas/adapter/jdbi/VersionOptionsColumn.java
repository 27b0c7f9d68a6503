package dev.faas.adapter.jdbi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.faas.ports.model.VersionOptions;

/**
 * The {@code options} column: a version's {@link VersionOptions} as a JSON object. Missing fields read back as the
 * defaults, and fields this node does not know are ignored (a newer node may have written them).
 */
final class VersionOptionsColumn {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private VersionOptionsColumn() {
    }

    static String write(VersionOptions options) {
        try {
            return MAPPER.writeValueAsString(options);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("version options cannot be written as JSON", e);
        }
    }

    static VersionOptions read(String column) {
        try {
            VersionOptions options = MAPPER.readValue(column, VersionOptions.class);
            return options == null ? VersionOptions.DEFAULT : options;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored version options are not valid JSON", e);
        }
    }
}
