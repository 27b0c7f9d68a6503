package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.ActivationNotFoundException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.in.ActivationsUseCase;
import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationId;
import dev.faas.ports.model.ActivationQuery;
import dev.faas.ports.model.ActivationStatus;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.FunctionName;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;

/**
 * Activation records: one by id, a page of them newest first (by function and status), and deletion (admin). Ids
 * that are not 32 hex digits are a 400 naming the parameter.
 */
@Path("/activations")
public final class ActivationsResource {

    private final ActivationsUseCase activations;

    ActivationsResource(ActivationsUseCase activations) {
        this.activations = activations;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.INVOKE)
    public Response list(@QueryParam("function") String function, @QueryParam("status") String status,
                         @QueryParam("after") String after, @QueryParam("limit") String limit,
                         @Context SecurityContext security) {
        FunctionName name = function == null || function.isEmpty() ? null : named("function", function);
        ActivationStatus wanted = status == null || status.isEmpty() ? null : status(status);
        ActivationId cursor = after == null || after.isEmpty() ? null : id("after", after);
        int pageSize = RequestParameters.pageSize(limit);
        List<Activation> page = activations == null ? List.of()
                : activations.activations(new ActivationQuery(name, wanted, cursor, pageSize, readerKey(security)));
        return json(ActivationDocuments.page(page, pageSize));
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.INVOKE)
    public Response get(@PathParam("id") String id, @Context SecurityContext security) {
        ActivationId activationId = id("id", id);
        if (activations == null) {
            throw new ActivationNotFoundException(activationId);
        }
        return json(ActivationDocuments.activation(activations.activation(activationId, readerKey(security))));
    }

    /**
     * Whose activations the caller reads: every one for an admin key or on a server without keys (null), else only
     * those its own key made (the key's id, which is the principal's name). Another key's are then not found (404,
     * not 403), so an invoke key cannot learn which activation ids exist.
     */
    private static String readerKey(SecurityContext security) {
        return security.isUserInRole(AccessRole.Names.ADMIN) ? null : security.getUserPrincipal().getName();
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response delete(@PathParam("id") String id) {
        ActivationId activationId = id("id", id);
        if (activations == null) {
            throw new ActivationNotFoundException(activationId);
        }
        activations.delete(activationId);
        return Response.noContent().build();
    }

    private static ActivationId id(String field, String text) {
        try {
            return new ActivationId(text);
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException(field, "'" + field + "' must be an activation id (32 lower-case hex"
                    + " digits)");
        }
    }

    private static FunctionName named(String field, String text) {
        try {
            return FunctionName.of(text);
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException(field, "'" + field + "' must be a function name: " + e.getMessage());
        }
    }

    private static ActivationStatus status(String text) {
        try {
            return ActivationStatus.ofLabel(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("status", "'status' must be one of queued, running, succeeded, failed,"
                    + " timed-out, expired");
        }
    }

    private static Response json(String body) {
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
