package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.ports.in.ListRuntimesUseCase;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.OfferedRuntime;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /runtimes}: the language runtimes a version may ask for on this node, as
 * {@code {"runtimes":[{"name","language","version","image","prewarm"}...]}}; {@code image} is the function image (the
 * interpreter's path with the process runtime), {@code version} null until known.
 */
@Path("/runtimes")
public final class RuntimesResource {

    private final ListRuntimesUseCase runtimes;

    RuntimesResource(ListRuntimesUseCase runtimes) {
        this.runtimes = runtimes;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.INVOKE)
    public String list() {
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        ArrayNode list = document.putArray("runtimes");
        for (OfferedRuntime offered : runtimes.runtimes()) {
            list.addObject()
                    .put("name", offered.runtime().name())
                    .put("language", offered.runtime().language())
                    .put("version", offered.runtime().version())
                    .put("image", offered.runtime().launcher())
                    .put("prewarm", offered.prewarm());
        }
        return Json.write(document);
    }
}
