package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.ports.error.InvalidRequestException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A JSON object kept as the text it came as: an invocation's params, which the platform only forwards to the runner.
 * Checking it is a strict JSON object takes one streaming pass ({@link JsonParser#skipChildren()}); it is never built
 * into a tree nor written again.
 */
record RawJsonObject(String text, String notAnObject) {

    static final RawJsonObject EMPTY = new RawJsonObject("{}", null);

    private RawJsonObject(String text) {
        this(text, null);
    }

    /** A member that is there but is not an object: {@code found} says what it is ("an array", "null"). */
    static RawJsonObject notAnObject(String found) {
        return new RawJsonObject(null, found);
    }

    /** The object's text; for a member that is not an object, a 400 naming {@code field}. */
    String json(String field) {
        if (text == null) {
            throw new InvalidRequestException(field,
                    "'" + field + "' must be a JSON object of keyword arguments, not " + notAnObject);
        }
        return text;
    }

    /**
     * The whole {@code body} as a JSON object; a body of nothing but whitespace is {@link #EMPTY}.
     *
     * @throws MalformedBodyException naming what is wrong, in the words of {@link Json#parseObject}
     */
    static RawJsonObject ofBody(byte[] body) {
        if (isBlank(body)) {
            return EMPTY;
        }
        try (JsonParser parser = Json.MAPPER.createParser(body)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                long start = parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                long end = parser.currentLocation().getByteOffset();
                if (parser.nextToken() == null && start >= 0 && end > start) {
                    return new RawJsonObject(new String(body, (int) start, (int) (end - start),
                            StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            // Json.parseObject below says what is wrong, in the same words as before this pass existed.
        }
        // Not one object, or not in UTF-8 (no byte offsets): the tree's reading is the reference, errors included.
        return new RawJsonObject(Json.write(Json.parseObject(body)));
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /**
     * Binds a member that must be a JSON object of keyword arguments ({@code params}) to its text, sliced from the
     * request body the reader was given as the {@link JsonBinding#SOURCE} attribute. A member of another kind binds
     * to {@link #notAnObject}, so that the resource reports it in its turn, after the members it checks first.
     */
    static final class Deserializer extends JsonDeserializer<RawJsonObject> {

        @Override
        public RawJsonObject deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                String found = describe(parser.currentToken());
                parser.skipChildren();
                return notAnObject(found);
            }
            Object source = context.getAttribute(JsonBinding.SOURCE);
            long start = parser.currentTokenLocation().getByteOffset();
            if (!(source instanceof byte[] body) || start < 0) {
                JsonNode tree = context.readTree(parser);
                return new RawJsonObject(Json.write(tree));
            }
            parser.skipChildren();
            long end = parser.currentLocation().getByteOffset();
            return new RawJsonObject(new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8));
        }

        @Override
        public RawJsonObject getNullValue(DeserializationContext context) {
            return notAnObject("null");
        }

        /** An absent member is not a {@code null} one: the record gets null, and the resource its default. */
        @Override
        public Object getAbsentValue(DeserializationContext context) {
            return null;
        }

        private static String describe(JsonToken token) {
            return switch (token) {
                case START_ARRAY -> "an array";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_NULL -> "null";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_STRING -> "a string";
                default -> token.name().toLowerCase(java.util.Locale.ROOT);
            };
        }
    }
}
