package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.faas.ports.error.InvalidRequestException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds request bodies to the records of {@link RequestDocuments} with one strict reader: no unknown member, no
 * coercion between scalars (a number is not a string, {@code "5"} or {@code 5.0} is not a whole number), no
 * {@code null} for a primitive, nothing after the document, and the parser's own strictness of {@link Json} (no
 * duplicate key, no NaN, bounded nesting). A failure is a 400 whose {@code field} and {@code detail} are worded as the
 * hand-written checks this replaced worded them. Thread-safe.
 */
final class JsonBinding {

    /** The attribute holding the body being bound, for members kept as raw text ({@link RawJsonObject}). */
    static final Object SOURCE = JsonBinding.class;

    private static final ObjectMapper STRICT = strict(Json.MAPPER.copy());
    private static final Map<Class<?>, ObjectReader> READERS = new ConcurrentHashMap<>();

    private JsonBinding() {
    }

    private static ObjectMapper strict(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS)
                .disable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
        mapper.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
        for (LogicalType type : List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Float,
                LogicalType.Boolean)) {
            for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                    CoercionInputShape.Boolean, CoercionInputShape.String, CoercionInputShape.EmptyString)) {
                mapper.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
            }
        }
        return mapper;
    }

    /**
     * The record {@code type} bound from {@code body}, which must be one strict JSON object.
     *
     * @throws MalformedBodyException   if the body is not one JSON object
     * @throws InvalidRequestException if a member is unknown, of the wrong type or missing, naming it
     */
    static <T> T read(byte[] body, Class<T> type) {
        ObjectReader reader = READERS.computeIfAbsent(type, STRICT::readerFor).withAttribute(SOURCE, body);
        try {
            return reader.readValue(body);
        } catch (JsonProcessingException e) {
            throw translate(e, body);
        } catch (IOException e) {
            throw new MalformedBodyException("the request body could not be read: " + e.getMessage());
        } catch (RuntimeException e) {
            InvalidRequestException invalid = invalidRequest(e);
            throw invalid != null ? invalid : e;
        }
    }

    private static RuntimeException translate(JsonProcessingException failure, byte[] body) {
        InvalidRequestException invalid = invalidRequest(failure);
        if (invalid != null) {
            return invalid;
        }
        List<JsonMappingException.Reference> path = failure instanceof DatabindException databind
                ? ((JsonMappingException) databind).getPath() : List.of();
        // Not JSON, not an object, or something after it: the tree reading says so in its established words.
        JsonNode document = Json.parseObject(body);
        if (path.isEmpty() || path.stream().anyMatch(reference -> reference.getFieldName() == null)) {
            return new MalformedBodyException("the request body does not fit: " + failure.getOriginalMessage());
        }
        String prefix = "";
        JsonPointer pointer = JsonPointer.empty();
        for (JsonMappingException.Reference reference : path.subList(0, path.size() - 1)) {
            prefix += reference.getFieldName() + ".";
            pointer = pointer.appendProperty(reference.getFieldName());
        }
        String name = path.get(path.size() - 1).getFieldName();
        String field = prefix + name;
        if (failure instanceof UnrecognizedPropertyException unknown) {
            String finalPrefix = prefix;
            return new InvalidRequestException(field, "unknown field '" + field + "'; expected "
                    + unknown.getKnownPropertyIds().stream().map(Objects::toString).sorted()
                    .map(known -> finalPrefix + known).toList());
        }
        JsonNode value = document.at(pointer.appendProperty(name));
        Class<?> expected = failure instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatch
                ? mismatch.getTargetType() : null;
        if (expected == String.class) {
            return new InvalidRequestException(field, "'" + field + "' must be a string, not " + Json.describe(value));
        }
        if (expected == Integer.class || expected == int.class || value.isNumber()) {
            return new InvalidRequestException(field, "'" + field + "' must be a whole number, not "
                    + Json.describe(value) + (value.isNumber() ? " " + value.asText() : ""));
        }
        return new InvalidRequestException(field, "'" + field + "' must be a JSON object, not "
                + Json.describe(value));
    }

    /** The request's own refusal (a record's constructor, a member's deserializer) inside Jackson's wrapping. */
    private static InvalidRequestException invalidRequest(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidRequestException invalid) {
                return invalid;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }
}
