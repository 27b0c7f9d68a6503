package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.in.InvokeFunctionUseCase;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.in.RegisterFunctionUseCase;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.model.RequestedLimits;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Set;

/**
 * The seed's API, byte for byte: {@code POST /register} and {@code POST /invoke}. Bodies are read as JSON whatever
 * their declared content type, as the seed did.
 */
@Path("/")
public final class SeedResource {

    private static final Set<String> REGISTER_FIELDS = Set.of("name", "code", "handler", "limits");
    private static final Set<String> LIMIT_FIELDS = Set.of("timeoutMs", "memoryMb", "maxInstances");
    private static final Set<String> INVOKE_FIELDS = Set.of("name", "params");

    private final RegisterFunctionUseCase register;
    private final InvokeFunctionUseCase invoke;
    private final RequestBodies bodies;

    SeedResource(RegisterFunctionUseCase register, InvokeFunctionUseCase invoke, RequestBodies bodies) {
        this.register = register;
        this.invoke = invoke;
        this.bodies = bodies;
    }

    @POST
    @Path("register")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole(Role.ADMIN)
    public Response register(InputStream body) {
        JsonNode request = Json.parseObject(bodies.read(body));
        rejectUnknownFields(request, REGISTER_FIELDS, "");
        RegisterFunctionCommand command = new RegisterFunctionCommand(
                FunctionName.of(requiredText(request, "name")),
                requiredText(request, "code"),
                optionalText(request, "handler"),
                limits(request.get("limits")));
        FunctionDefinition stored = register.register(command);
        ObjectNode response = JsonNodeFactory.instance.objectNode().put("result", stored.id().toString());
        return Response.ok(Json.write(response), MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** The seed's body exactly, unless the caller opts in to the call's logs with {@code ?logs=true}. */
    @POST
    @Path("invoke")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole(Role.INVOKE)
    public Response invoke(@QueryParam("logs") String logs, InputStream body,
                           @Context ContainerRequestContext requestContext) {
        boolean withLogs = RequestParameters.flag("logs", logs);
        JsonNode request = Json.parseObject(bodies.read(body));
        rejectUnknownFields(request, INVOKE_FIELDS, "");
        FunctionId id = FunctionId.parse(requiredText(request, "name"));
        RequestLogFilter.function(requestContext, id);
        InvocationResult result = invoke.invoke(new InvokeFunctionCommand(id, params(request.get("params"))));
        return InvocationResponses.ok(result, withLogs);
    }

    static String params(JsonNode params) {
        if (params == null) {
            return "{}";
        }
        if (!params.isObject()) {
            throw new InvalidRequestException("params",
                    "'params' must be a JSON object of keyword arguments, not " + Json.describe(params));
        }
        return Json.write(params);
    }

    private static RequestedLimits limits(JsonNode limits) {
        if (limits == null || limits.isNull()) {
            return RequestedLimits.DEFAULTS;
        }
        if (!limits.isObject()) {
            throw new InvalidRequestException("limits", "'limits' must be a JSON object, not " + Json.describe(limits));
        }
        rejectUnknownFields(limits, LIMIT_FIELDS, "limits.");
        JsonNode timeout = limits.get("timeoutMs");
        return new RequestedLimits(
                timeout == null ? null : wholeNumber(timeout, "limits.timeoutMs"),
                limits.has("memoryMb") ? Math.toIntExact(wholeNumber(limits.get("memoryMb"), "limits.memoryMb")) : null,
                limits.has("maxInstances")
                        ? Math.toIntExact(wholeNumber(limits.get("maxInstances"), "limits.maxInstances")) : null);
    }

    private static long wholeNumber(JsonNode node, String field) {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new InvalidRequestException(field, "'" + field + "' must be a whole number, not " + Json.describe(node)
                    + (node.isNumber() ? " " + node.asText() : ""));
        }
        return node.longValue();
    }

    static String requiredText(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidRequestException(field, "'" + field + "' is required");
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException(field, "'" + field + "' must be a string, not " + Json.describe(value));
        }
        return value.textValue();
    }

    private static String optionalText(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException(field, "'" + field + "' must be a string, not " + Json.describe(value));
        }
        return value.textValue();
    }

    static void rejectUnknownFields(JsonNode object, Set<String> known, String prefix) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidRequestException(prefix + name, "unknown field '" + prefix + name
                        + "'; expected " + known.stream().sorted().map(field -> prefix + field).toList());
            }
        }
    }
}
