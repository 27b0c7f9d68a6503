package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.ports.model.AccessRole;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/**
 * {@code GET /session}: whether this server requires an API key and which role the caller has, so the dashboard can
 * skip its sign-in on a server without keys and hide what the caller's role may not do. It only informs pages: every
 * endpoint still enforces its own role.
 */
@Path("/session")
public final class SessionResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.INVOKE)
    public Response session(@Context SecurityContext security) {
        // Every caller of a server without keys is ANYONE (identity: no key's principal is that instance).
        boolean open = security != null && security.getUserPrincipal() == AccessSecurityContext.ANYONE;
        String role = security == null || security.isUserInRole(AccessRole.Names.ADMIN)
                ? AccessRole.ADMIN.wireName() : AccessRole.INVOKE.wireName();
        ObjectNode document = JsonNodeFactory.instance.objectNode().put("keyRequired", !open).put("role", role);
        return Response.ok(Json.write(document), MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store").build();
    }
}
