package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.ports.in.CreateApiKeyCommand;
import dev.faas.ports.in.ManageApiKeysUseCase;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.ApiKeyRecord;
import dev.faas.ports.model.CreatedApiKey;
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
import jakarta.ws.rs.core.UriBuilder;
import java.io.InputStream;

/**
 * {@code /admin/keys}: create an API key ({@code POST}, the only answer that ever shows the key), list keys and read
 * one (never a key nor a hash), revoke one ({@code DELETE}). Admin only.
 */
@Path("/admin/keys")
public final class ApiKeyResource {

    private final ManageApiKeysUseCase keys;
    private final RequestBodies bodies;

    ApiKeyResource(ManageApiKeysUseCase keys, RequestBodies bodies) {
        this.keys = keys;
        this.bodies = bodies;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response create(InputStream body) {
        RequestDocuments.KeyCreation request = JsonBinding.read(bodies.read(body), RequestDocuments.KeyCreation.class);
        AccessRole role = AccessRole.parse(RequestDocuments.required("role", request.role()));
        CreatedApiKey created = keys.create(new CreateApiKeyCommand(role, request.description()));
        ObjectNode document = record(created.record());
        document.put("key", created.key());
        return Response.created(UriBuilder.fromPath("/admin/keys/{id}").build(created.record().id().value()))
                .type(MediaType.APPLICATION_JSON_TYPE)
                // The key is in this answer only: no cache may keep it.
                .header("Cache-Control", "no-store")
                .entity(Json.write(document))
                .build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response list() {
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        ArrayNode list = document.putArray("keys");
        keys.list().forEach(record -> list.add(record(record)));
        return json(document);
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response find(@PathParam("id") String id) {
        return json(record(keys.find(ApiKeyId.of(id))));
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response revoke(@PathParam("id") String id) {
        keys.revoke(ApiKeyId.of(id));
        return Response.noContent().build();
    }

    private static ObjectNode record(ApiKeyRecord record) {
        return JsonNodeFactory.instance.objectNode()
                .put("id", record.id().value())
                .put("role", record.role().wireName())
                .put("description", record.description())
                .put("createdAt", record.createdAt().toString())
                .put("revoked", record.revoked());
    }

    private static Response json(ObjectNode document) {
        return Response.ok(Json.write(document), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
