package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.ports.in.ManageSecretsUseCase;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.SecretName;
import dev.faas.ports.model.SecretRecord;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * {@code /secrets}: set a secret ({@code POST {"name","value"}}, creating or rotating it), list them ({@code GET}:
 * names and dates only) and delete one ({@code DELETE /secrets/{name}}). A value goes in and is never answered back.
 * Admin only.
 */
@Path("/secrets")
public final class SecretsResource {

    private final ManageSecretsUseCase secrets;
    private final RequestBodies bodies;

    SecretsResource(ManageSecretsUseCase secrets, RequestBodies bodies) {
        this.secrets = secrets;
        this.bodies = bodies;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response put(InputStream body) {
        RequestDocuments.SecretCreation request =
                JsonBinding.read(bodies.read(body), RequestDocuments.SecretCreation.class);
        SecretName name = SecretName.of(RequestDocuments.required("name", request.name()));
        SecretRecord record = secrets.put(name, RequestDocuments.required("value", request.value()));
        return Response.ok(Json.write(record(record)), MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store")
                .build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response list() {
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        ArrayNode list = document.putArray("secrets");
        secrets.list().forEach(record -> list.add(record(record)));
        return Response.ok(Json.write(document), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @DELETE
    @Path("{name}")
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response delete(@PathParam("name") String name) {
        secrets.delete(SecretName.of(name));
        return Response.noContent().build();
    }

    private static ObjectNode record(SecretRecord record) {
        return JsonNodeFactory.instance.objectNode()
                .put("name", record.name().value())
                .put("createdAt", FunctionDocuments.timestamp(record.createdAt()))
                .put("updatedAt", FunctionDocuments.timestamp(record.updatedAt()));
    }
}
