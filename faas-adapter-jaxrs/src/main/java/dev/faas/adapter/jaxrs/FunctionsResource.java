package dev.faas.adapter.jaxrs;

import dev.faas.ports.in.DeleteFunctionUseCase;
import dev.faas.ports.in.GetFunctionUseCase;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.InputStream;

/**
 * The functions as resources: list names, read versions' metadata (and code, for callers allowed to read it),
 * delete versions, and invoke a version or the latest one with the request body as its params (now, now and
 * recorded, or queued: see {@link CallModes}). Bodies are read as
 * JSON whatever their declared content type, as on the seed's endpoints.
 */
@Path("/functions")
public final class FunctionsResource {

    private final GetFunctionUseCase get;
    private final DeleteFunctionUseCase delete;
    private final CallModes modes;
    private final RequestBodies bodies;

    FunctionsResource(GetFunctionUseCase get, DeleteFunctionUseCase delete, CallModes modes, RequestBodies bodies) {
        this.get = get;
        this.delete = delete;
        this.modes = modes;
        this.bodies = bodies;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.INVOKE)
    public Response list(@QueryParam("after") String after, @QueryParam("limit") String limit) {
        FunctionName afterName = RequestParameters.after(after);
        int pageSize = RequestParameters.pageSize(limit);
        return json(FunctionDocuments.page(get.list(afterName, pageSize), pageSize));
    }

    @GET
    @Path("{name}")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.INVOKE)
    public Response versions(@PathParam("name") String name) {
        FunctionName functionName = RequestParameters.name(name);
        return json(FunctionDocuments.versions(functionName, get.versions(functionName)));
    }

    @DELETE
    @Path("{name}")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response deleteAll(@PathParam("name") String name) {
        return json(FunctionDocuments.deleted(delete.deleteAll(RequestParameters.name(name))));
    }

    @GET
    @Path("{name}/versions/{version}")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.INVOKE)
    public Response version(@PathParam("name") String name, @PathParam("version") String version,
                            @Context SecurityContext security) {
        FunctionDefinition definition = get.version(RequestParameters.id(name, version));
        return json(FunctionDocuments.version(definition, CodeAccess.mayReadCode(security)));
    }

    @DELETE
    @Path("{name}/versions/{version}")
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response delete(@PathParam("name") String name, @PathParam("version") String version) {
        delete.delete(RequestParameters.id(name, version));
        return Response.noContent().build();
    }

    @POST
    @Path("{name}/versions/{version}/invoke")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.INVOKE)
    public Response invokeVersion(@PathParam("name") String name, @PathParam("version") String version,
                                  @QueryParam("logs") String logs, @QueryParam("async") String async,
                                  @QueryParam("record") String record, @HeaderParam("Prefer") String prefer,
                                  @QueryParam("callbackUrl") String callbackUrl, InputStream body,
                                  @Context ContainerRequestContext request) {
        FunctionId id = RequestParameters.id(name, version);
        boolean withLogs = RequestParameters.flag("logs", logs);
        Mode mode = mode(async, record, prefer, callbackUrl);
        String params = RawJsonObject.ofBody(bodies.read(body)).text();
        return invoke(id, params, withLogs, mode, request);
    }

    @POST
    @Path("{name}/invoke")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.INVOKE)
    public Response invokeLatest(@PathParam("name") String name, @QueryParam("logs") String logs,
                                 @QueryParam("async") String async, @QueryParam("record") String record,
                                 @HeaderParam("Prefer") String prefer, @QueryParam("callbackUrl") String callbackUrl,
                                 InputStream body, @Context ContainerRequestContext request) {
        FunctionName functionName = RequestParameters.name(name);
        boolean withLogs = RequestParameters.flag("logs", logs);
        Mode mode = mode(async, record, prefer, callbackUrl);
        String params = RawJsonObject.ofBody(bodies.read(body)).text();
        return invoke(get.latestId(functionName), params, withLogs, mode, request);
    }

    /** {@code ?async=true} or {@code Prefer: respond-async}: queued; {@code ?record=true}: run now and recorded. */
    private record Mode(boolean queued, boolean preferred, boolean record, String callbackUrl) {
    }

    private static Mode mode(String async, String record, String prefer, String callbackUrl) {
        boolean preferred = CallModes.prefersAsync(prefer);
        return new Mode(RequestParameters.flag("async", async) || preferred, preferred,
                RequestParameters.flag("record", record), callbackUrl);
    }

    private Response invoke(FunctionId id, String params, boolean withLogs, Mode mode,
                            ContainerRequestContext request) {
        RequestLogFilter.function(request, id);
        return modes.serve(new InvokeFunctionCommand(id, params), mode.queued(), mode.preferred(), mode.record(),
                withLogs, mode.callbackUrl(), CallModes.creator(request));
    }

    private static Response json(String body) {
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
