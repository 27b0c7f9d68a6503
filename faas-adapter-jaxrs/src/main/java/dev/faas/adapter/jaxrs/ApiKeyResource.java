package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.in.CreateApiKeyCommand;
import dev.faas.ports.in.ManageApiKeysUseCase;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.ApiKeyPermission;
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
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code /admin/keys}: create an API key ({@code POST}, the only answer that ever shows the key; with
 * {@code "permissions"} only those the creating key holds), list keys and read one (never a key nor a hash), revoke
 * one ({@code DELETE}). Admin only. A key's permissions are fixed when it is created: no request changes them.
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
    public Response create(InputStream body, @Context ContainerRequestContext requestContext) {
        RequestDocuments.KeyCreation request = JsonBinding.read(bodies.read(body), RequestDocuments.KeyCreation.class);
        AccessRole role = AccessRole.parse(RequestDocuments.required("role", request.role()));
        // The creating key must hold every permission it grants (checked by the use case).
        CreatedApiKey created = keys.create(new CreateApiKeyCommand(role, request.description(),
                permissions(request.permissions()), CallModes.caller(requestContext)));
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
                .put("revoked", record.revoked())
                .set("permissions", permissionNames(record.permissions()));
    }

    /**
     * The permissions of a request: an array of permission names, each named once, or none when missing or null.
     * Anything else is a 400 naming {@code permissions}.
     */
    private static Set<ApiKeyPermission> permissions(JsonNode names) {
        if (names == null || names.isNull()) {
            return Set.of();
        }
        if (!names.isArray()) {
            throw new InvalidRequestException("permissions", "'permissions' must be an array of permission names,"
                    + " such as [\"egress\"], not " + Json.describe(names));
        }
        Set<ApiKeyPermission> permissions = EnumSet.noneOf(ApiKeyPermission.class);
        for (JsonNode name : names) {
            if (!name.isTextual()) {
                throw new InvalidRequestException("permissions", "'permissions' must hold permission names"
                        + " (strings), not " + Json.describe(name));
            }
            if (!permissions.add(ApiKeyPermission.parse("permissions", name.asText()))) {
                throw new InvalidRequestException("permissions", "'permissions' names '" + name.asText() + "' twice");
            }
        }
        return permissions;
    }

    private static ArrayNode permissionNames(Set<ApiKeyPermission> permissions) {
        ArrayNode names = JsonNodeFactory.instance.arrayNode();
        permissions.stream().map(ApiKeyPermission::wireName).sorted().forEach(names::add);
        return names;
    }

    private static Response json(ObjectNode document) {
        return Response.ok(Json.write(document), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
