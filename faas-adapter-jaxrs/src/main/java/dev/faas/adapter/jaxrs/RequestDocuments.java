package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import dev.faas.ports.error.InvalidRequestException;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies the API accepts, as records bound by {@link JsonBinding}'s strict reader: a member of another type
 * (no coercion) or an unknown member is a 400 naming the field. Required members are checked by the resource with
 * {@link #required}, once the body is bound, in the order the API has always reported them (a JSON {@code null}
 * counts as missing).
 */
final class RequestDocuments {

    private RequestDocuments() {
    }

    /**
     * {@code POST /register}: {@code name} and {@code code} (Python source) or {@code archive} (base64 of a zip) are
     * required; {@code runtime} (python3 unless given), {@code env} (an object of strings), {@code secrets} (secret
     * names), {@code requirements} and {@code network} ("none" or "egress") are the version's options.
     */
    record Registration(String name, String code, String handler, Limits limits, String runtime,
                        Map<String, String> env, List<String> secrets, String archive, String requirements,
                        String network) {
    }

    /** {@code POST /secrets}: {@code name} and {@code value} are required. */
    record SecretCreation(String name, String value) {

        @Override
        public String toString() {
            return "SecretCreation[name=" + name + "]";
        }
    }

    /** The {@code limits} of a registration; absent members take the server's defaults, {@code null} is refused. */
    record Limits(@JsonDeserialize(using = WholeNumber.class) Integer timeoutMs,
                  @JsonDeserialize(using = WholeNumber.class) Integer memoryMb,
                  @JsonDeserialize(using = WholeNumber.class) Integer maxInstances) {
    }

    /** A member that, when present, must be a JSON integer that fits an {@code int}: not null, 5.0, "5" nor true. */
    static final class WholeNumber extends StdDeserializer<Integer> {

        WholeNumber() {
            super(Integer.class);
        }

        @Override
        public Integer deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT
                    && parser.getNumberType() == JsonParser.NumberType.INT) {
                return parser.getIntValue();
            }
            return (Integer) context.handleUnexpectedToken(Integer.class, parser);
        }

        @Override
        public Integer getNullValue(DeserializationContext context) throws JsonMappingException {
            throw InvalidNullException.from(context, null, context.constructType(Integer.class));
        }

        @Override
        public Object getAbsentValue(DeserializationContext context) {
            return null;
        }
    }

    /** {@code POST /invoke}: the version to call (required) and its params, kept as the JSON text they came as. */
    record SeedInvocation(String name, @JsonDeserialize(using = RawJsonObject.Deserializer.class) RawJsonObject params) {

        /** The params' JSON text, {@code {}} when absent. */
        String paramsJson() {
            return params == null ? RawJsonObject.EMPTY.json("params") : params.json("params");
        }
    }

    /** {@code POST /functions/{name}/schedules}: {@code cron} is required; {@code timezone} defaults to UTC. */
    record ScheduleCreation(String cron, @JsonDeserialize(using = RawJsonObject.Deserializer.class)
            RawJsonObject params, String timezone) {

        String paramsJson() {
            return params == null ? RawJsonObject.EMPTY.json("params") : params.json("params");
        }
    }

    /**
     * {@code POST /admin/keys}: {@code role} is required; {@code permissions} (an array of permission names, such as
     * {@code ["egress"]}) grants what no role implies; kept as a tree so that every mistake in it, an element's
     * included, is a 400 naming {@code permissions}.
     */
    record KeyCreation(String role, String description, com.fasterxml.jackson.databind.JsonNode permissions) {
    }

    /** {@code value}, unless it is missing or null: then a 400 naming {@code field}. */
    static String required(String field, String value) {
        if (value == null) {
            throw new InvalidRequestException(field, "'" + field + "' is required");
        }
        return value;
    }
}
