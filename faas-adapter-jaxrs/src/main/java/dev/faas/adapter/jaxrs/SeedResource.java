package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.InvalidEnvironmentException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.in.RegisterFunctionUseCase;
import dev.faas.ports.in.RegisteredVersion;
import dev.faas.ports.model.AuthenticatedCaller;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionEnvironment;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.RequestedLimits;
import dev.faas.ports.model.VersionOptions;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * The seed's API, byte for byte: {@code POST /register} and {@code POST /invoke}. Bodies are read as JSON whatever
 * their declared content type, as the seed did, and bound to {@link RequestDocuments} records.
 */
@Path("/")
public final class SeedResource {

    /** The media type of a raw zip archive registration. */
    static final MediaType ZIP_TYPE = new MediaType("application", "zip");
    private static final java.util.Set<String> ZIP_PARAMETERS = java.util.Set.of("name", "handler", "timeoutMs",
            "memoryMb", "maxInstances", "env", "secret", "network", "runtime");

    private final RegisterFunctionUseCase register;
    private final CallModes modes;
    private final RequestBodies bodies;

    SeedResource(RegisterFunctionUseCase register, CallModes modes, RequestBodies bodies) {
        this.register = register;
        this.modes = modes;
        this.bodies = bodies;
    }

    /**
     * {@code POST /register}: a JSON body, whatever its declared type, except {@code Content-Type: application/zip},
     * whose body is the raw archive and whose other fields are query parameters ({@link #registerZip}).
     */
    @POST
    @Path("register")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response register(InputStream body, @Context HttpHeaders headers, @Context UriInfo uri,
                             @Context ContainerRequestContext requestContext) {
        AuthenticatedCaller caller = CallModes.caller(requestContext);
        MediaType type = headers.getMediaType();
        if (type != null && type.isCompatible(ZIP_TYPE) && !type.isWildcardType() && !type.isWildcardSubtype()) {
            return registered(registerZip(uri.getQueryParameters(), body).withCaller(caller));
        }
        RequestDocuments.Registration request = JsonBinding.read(bodies.read(body), RequestDocuments.Registration.class);
        FunctionName name = FunctionName.of(RequestDocuments.required("name", request.name()));
        if (request.code() != null && request.archive() != null) {
            throw new InvalidRequestException("archive", "give either 'code' or 'archive', not both");
        }
        VersionOptions options = options(request);
        String code = request.archive() != null ? request.archive() : RequestDocuments.required("code", request.code());
        return registered(new RegisterFunctionCommand(name, code, request.handler(), limits(request.limits()),
                options.withArchive(request.archive() != null).withRequirements(request.requirements()))
                .withCaller(caller));
    }

    /**
     * {@code POST /register} with the raw zip archive as the body ({@code Content-Type: application/zip}) and the
     * other fields as query parameters: {@code name}, {@code handler}, {@code timeoutMs}, {@code memoryMb},
     * {@code maxInstances}, {@code env} ({@code NAME=value}, repeated), {@code secret} (repeated), {@code network} and {@code runtime}.
     */
    private RegisterFunctionCommand registerZip(MultivaluedMap<String, String> query, InputStream body) {
        for (String parameter : query.keySet()) {
            if (!ZIP_PARAMETERS.contains(parameter)) {
                throw new InvalidRequestException(parameter, "unknown query parameter '" + parameter + "'");
            }
        }
        String handler = single(query, "handler");
        String timeoutMs = single(query, "timeoutMs");
        String memoryMb = single(query, "memoryMb");
        String maxInstances = single(query, "maxInstances");
        java.util.List<String> env = query.getOrDefault("env", java.util.List.of());
        java.util.List<String> secrets = query.getOrDefault("secret", java.util.List.of());
        FunctionName functionName = FunctionName.of(RequestDocuments.required("name", single(query, "name")));
        byte[] zip = bodies.read(body);
        if (zip.length == 0) {
            throw new InvalidRequestException("archive", "the request body (the zip archive) is empty");
        }
        java.util.Map<String, String> variables = new java.util.LinkedHashMap<>();
        for (String entry : env) {
            int equals = entry.indexOf('=');
            if (equals < 1) {
                throw new InvalidEnvironmentException(false, "each 'env' query parameter is NAME=value");
            }
            if (variables.put(entry.substring(0, equals), entry.substring(equals + 1)) != null) {
                throw new InvalidEnvironmentException(false, "the environment variable '" + entry.substring(0, equals)
                        + "' is given twice");
            }
        }
        FunctionEnvironment.check(variables);
        VersionOptions options = VersionOptions.DEFAULT.withEnv(variables).withSecrets(secrets).withArchive(true);
        String network = single(query, "network");
        if (network != null) {
            options = options.withNetwork(network);
        }
        String runtime = single(query, "runtime");
        if (runtime != null) {
            options = options.withRuntime(runtime);
        }
        RequestedLimits limits = new RequestedLimits(whole("timeoutMs", timeoutMs), wholeInt("memoryMb", memoryMb),
                wholeInt("maxInstances", maxInstances));
        return new RegisterFunctionCommand(functionName, java.util.Base64.getEncoder().encodeToString(zip),
                handler, limits, options);
    }

    /** The new id; for a version with requirements, how its dependency layer was had and how long that took. */
    private Response registered(RegisterFunctionCommand command) {
        RegisteredVersion stored = register.registerVersion(command);
        Response.ResponseBuilder response = Response.ok(Json.write(new ResponseDocuments.Result(
                stored.definition().id().toString())), MediaType.APPLICATION_JSON_TYPE);
        if (stored.dependencies() != null) {
            response.header("X-Faas-Dependencies", stored.dependencies().built() ? "built" : "cached")
                    .header("X-Faas-Build-Ms", stored.dependencies().took().toMillis());
        }
        return response.build();
    }

    private static String single(MultivaluedMap<String, String> query, String name) {
        java.util.List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new InvalidRequestException(name, "'" + name + "' is given more than once");
        }
        return values.get(0);
    }

    private static Long whole(String field, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(field, "'" + field + "' must be a whole number");
        }
    }

    private static Integer wholeInt(String field, String text) {
        Long value = whole(field, text);
        if (value != null && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
            throw new InvalidRequestException(field, "'" + field + "' is out of range");
        }
        return value == null ? null : value.intValue();
    }

    /**
     * The seed's body exactly, unless the caller opts in to the call's logs with {@code ?logs=true}, to a record of
     * the call with {@code ?record=true}, or to a queued call with {@code Prefer: respond-async} (202), whose
     * record is POSTed to {@code ?callbackUrl=} when it ends.
     */
    @POST
    @Path("invoke")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.INVOKE)
    public Response invoke(@QueryParam("logs") String logs, @QueryParam("record") String record,
                           @HeaderParam("Prefer") String prefer, @QueryParam("callbackUrl") String callbackUrl,
                           InputStream body, @Context ContainerRequestContext requestContext) {
        boolean withLogs = RequestParameters.flag("logs", logs);
        boolean recorded = RequestParameters.flag("record", record);
        boolean queued = CallModes.prefersAsync(prefer);
        RequestDocuments.SeedInvocation request =
                JsonBinding.read(bodies.read(body), RequestDocuments.SeedInvocation.class);
        FunctionId id = FunctionId.parse(RequestDocuments.required("name", request.name()));
        String params = request.paramsJson();
        RequestLogFilter.function(requestContext, id);
        return modes.serve(new InvokeFunctionCommand(id, params), queued, queued, recorded, withLogs, callbackUrl,
                CallModes.creator(requestContext));
    }

    /** The version's options from the registration's {@code env}, {@code secrets} and {@code network}. */
    static VersionOptions options(RequestDocuments.Registration request) {
        VersionOptions options = VersionOptions.DEFAULT;
        if (request.runtime() != null) {
            options = options.withRuntime(request.runtime());
        }
        if (request.network() != null) {
            options = options.withNetwork(request.network());
        }
        if (request.env() != null) {
            // Before the map is copied: a null value is the caller's mistake, reported as such.
            FunctionEnvironment.check(request.env());
            options = options.withEnv(request.env());
        }
        if (request.secrets() != null) {
            if (request.secrets().contains(null)) {
                throw new InvalidRequestException("secrets", "'secrets' must be an array of secret names");
            }
            options = options.withSecrets(request.secrets());
        }
        return options;
    }

    private static RequestedLimits limits(RequestDocuments.Limits limits) {
        if (limits == null) {
            return RequestedLimits.DEFAULTS;
        }
        return new RequestedLimits(limits.timeoutMs() == null ? null : limits.timeoutMs().longValue(),
                limits.memoryMb(), limits.maxInstances());
    }
}
