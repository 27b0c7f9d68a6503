package dev.faas.adapter.jaxrs;

import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.in.RegisterFunctionUseCase;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.RequestedLimits;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * The seed's API, byte for byte: {@code POST /register} and {@code POST /invoke}. Bodies are read as JSON whatever
 * their declared content type, as the seed did, and bound to {@link RequestDocuments} records.
 */
@Path("/")
public final class SeedResource {

    private final RegisterFunctionUseCase register;
    private final CallModes modes;
    private final RequestBodies bodies;

    SeedResource(RegisterFunctionUseCase register, CallModes modes, RequestBodies bodies) {
        this.register = register;
        this.modes = modes;
        this.bodies = bodies;
    }

    @POST
    @Path("register")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response register(InputStream body) {
        RequestDocuments.Registration request = JsonBinding.read(bodies.read(body), RequestDocuments.Registration.class);
        RegisterFunctionCommand command = new RegisterFunctionCommand(
                FunctionName.of(RequestDocuments.required("name", request.name())),
                RequestDocuments.required("code", request.code()), request.handler(), limits(request.limits()));
        FunctionDefinition stored = register.register(command);
        return Response.ok(Json.write(new ResponseDocuments.Result(stored.id().toString())),
                MediaType.APPLICATION_JSON_TYPE).build();
    }

    /**
     * The seed's body exactly, unless the caller opts in to the call's logs with {@code ?logs=true}, to a record of
     * the call with {@code ?record=true}, or to a queued call with {@code Prefer: respond-async} (202).
     */
    @POST
    @Path("invoke")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.INVOKE)
    public Response invoke(@QueryParam("logs") String logs, @QueryParam("record") String record,
                           @HeaderParam("Prefer") String prefer, InputStream body,
                           @Context ContainerRequestContext requestContext) {
        boolean withLogs = RequestParameters.flag("logs", logs);
        boolean recorded = RequestParameters.flag("record", record);
        boolean queued = CallModes.prefersAsync(prefer);
        RequestDocuments.SeedInvocation request =
                JsonBinding.read(bodies.read(body), RequestDocuments.SeedInvocation.class);
        FunctionId id = FunctionId.parse(RequestDocuments.required("name", request.name()));
        String params = request.paramsJson();
        RequestLogFilter.function(requestContext, id);
        return modes.serve(new InvokeFunctionCommand(id, params), queued, queued, recorded, withLogs);
    }

    private static RequestedLimits limits(RequestDocuments.Limits limits) {
        if (limits == null) {
            return RequestedLimits.DEFAULTS;
        }
        return new RequestedLimits(limits.timeoutMs() == null ? null : limits.timeoutMs().longValue(),
                limits.memoryMb(), limits.maxInstances());
    }
}
