package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.ScheduleNotFoundException;
import dev.faas.ports.in.CreateScheduleCommand;
import dev.faas.ports.in.ManageSchedulesUseCase;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.Schedule;
import dev.faas.ports.model.ScheduleId;
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
import java.time.Instant;
import java.util.List;

/**
 * A function's schedules (admin): create one from {@code {"cron", "params", "timezone"}}, list them, delete one.
 * Each tick queues an asynchronous call of the function's newest version.
 */
@Path("/functions/{name}/schedules")
public final class SchedulesResource {

    private final ManageSchedulesUseCase schedules;
    private final RequestBodies bodies;

    SchedulesResource(ManageSchedulesUseCase schedules, RequestBodies bodies) {
        this.schedules = schedules;
        this.bodies = bodies;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response create(@PathParam("name") String name, InputStream body) {
        FunctionName function = RequestParameters.name(name);
        RequestDocuments.ScheduleCreation request =
                JsonBinding.read(bodies.read(body), RequestDocuments.ScheduleCreation.class);
        Schedule created = available().create(new CreateScheduleCommand(function,
                RequestDocuments.required("cron", request.cron()), request.timezone(), request.paramsJson()));
        return Response.status(Response.Status.CREATED).type(MediaType.APPLICATION_JSON_TYPE)
                .header("Location", "/functions/" + function.value() + "/schedules/" + created.id().value())
                .entity(Json.write(document(created))).build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response list(@PathParam("name") String name) {
        FunctionName function = RequestParameters.name(name);
        List<Schedule> all = available().schedules(function);
        ObjectNode page = JsonNodeFactory.instance.objectNode();
        ArrayNode items = page.putArray("schedules");
        all.forEach(schedule -> items.add(document(schedule)));
        return Response.ok(Json.write(page), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(AccessRole.Names.ADMIN)
    public Response delete(@PathParam("name") String name, @PathParam("id") String id) {
        FunctionName function = RequestParameters.name(name);
        ScheduleId scheduleId;
        try {
            scheduleId = new ScheduleId(id);
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException("id", "'id' must be a schedule id (32 lower-case hex digits)");
        }
        if (schedules == null) {
            throw new ScheduleNotFoundException(scheduleId);
        }
        schedules.delete(function, scheduleId);
        return Response.noContent().build();
    }

    private ManageSchedulesUseCase available() {
        if (schedules == null) {
            throw new InvalidRequestException("schedules", "schedules are not available here");
        }
        return schedules;
    }

    static ObjectNode document(Schedule schedule) {
        ObjectNode document = JsonNodeFactory.instance.objectNode()
                .put("id", schedule.id().value())
                .put("function", schedule.function().value())
                .put("cron", schedule.cron())
                .put("timezone", schedule.timezone());
        document.putRawValue("params", new RawValue(schedule.paramsJson()));
        document.put("createdAt", FunctionDocuments.timestamp(schedule.createdAt()));
        time(document, "nextFireAt", schedule.nextFireAt());
        time(document, "lastFiredAt", schedule.lastFiredAt());
        document.put("fired", schedule.fired());
        document.put("missed", schedule.missed());
        return document;
    }

    private static void time(ObjectNode document, String member, Instant instant) {
        if (instant == null) {
            document.putNull(member);
        } else {
            document.put(member, FunctionDocuments.timestamp(instant));
        }
    }
}
