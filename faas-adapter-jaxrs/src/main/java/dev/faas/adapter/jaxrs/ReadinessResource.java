package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.ports.in.ReadinessUseCase;
import dev.faas.ports.model.Readiness;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /readyz}: 200 when this node can serve calls (its store answers and its runtime can start instances),
 * else 503 naming the check that is down and why; either names the node that answered. Unlike {@code /healthz} it
 * touches the dependencies.
 */
@Path("/readyz")
public final class ReadinessResource {

    private final ReadinessUseCase readiness;

    ReadinessResource(ReadinessUseCase readiness) {
        this.readiness = readiness;
    }

    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    public Response ready() {
        Readiness result = readiness.readiness();
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("status", result.ready() ? "ready" : "not-ready");
        if (result.node() != null) {
            body.put("node", result.node());
        }
        ObjectNode checks = body.putObject("checks");
        result.checks().forEach(check -> checks.put(check.name(), check.up() ? "up" : "down"));
        if (!result.ready()) {
            ObjectNode reasons = body.putObject("reasons");
            result.checks().stream().filter(check -> !check.up())
                    .forEach(check -> reasons.put(check.name(), check.reason()));
        }
        return Response.status(result.ready() ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store")
                .entity(Json.write(body))
                .build();
    }
}
