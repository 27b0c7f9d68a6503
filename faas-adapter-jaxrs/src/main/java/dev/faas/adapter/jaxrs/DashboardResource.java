package dev.faas.adapter.jaxrs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.ports.in.NodeStatisticsUseCase;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.NodeStatistics;
import dev.faas.ports.model.NodeStatistics.CallSeries;
import dev.faas.ports.model.NodeStatistics.FunctionStatistics;
import dev.faas.ports.model.PoolStatus;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Objects;

/**
 * {@code GET /stats}: the node's statistics for the dashboard: instances, capacity, pre-warm stock, and calls per
 * second and per function version over the last minutes, from the pool and the call observer, never from the
 * Prometheus text.
 */
@Path("/stats")
public final class DashboardResource {

    private final NodeStatisticsUseCase statistics;

    DashboardResource(NodeStatisticsUseCase statistics) {
        this.statistics = Objects.requireNonNull(statistics, "statistics");
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AccessRole.Names.INVOKE)
    public Response stats() {
        return Response.ok(document(statistics.nodeStatistics()), MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store").build();
    }

    static String document(NodeStatistics statistics) {
        ObjectNode document = JsonNodeFactory.instance.objectNode()
                .put("node", statistics.nodeId())
                .put("at", FunctionDocuments.timestamp(statistics.at()))
                .put("windowSeconds", statistics.window().toSeconds());
        PoolStatus pool = statistics.pool();
        document.putObject("instances")
                .put("prewarmed", pool.prewarmed())
                .put("warm", pool.warm())
                .put("busy", pool.busy())
                .put("total", pool.total());
        document.putObject("capacity")
                .put("maxInstances", pool.maxInstances())
                .put("queuedCalls", pool.queuedCalls())
                .put("memoryReservedMb", pool.reservedMemoryMb())
                .put("memoryBudgetMb", pool.memoryBudgetMb());
        document.putObject("prewarm")
                .put("stock", pool.prewarmed())
                .put("target", statistics.prewarmTarget());
        ArrayNode functions = document.putArray("functions");
        for (FunctionStatistics function : statistics.functions()) {
            functions.addObject()
                    .put("id", function.id().toString())
                    .put("name", function.id().name().value())
                    .put("version", function.id().version())
                    .put("warm", function.warm())
                    .put("busy", function.busy())
                    .put("calls", function.calls())
                    .put("errors", function.errors())
                    .put("p50Ms", round(function.p50Ms()))
                    .put("p99Ms", round(function.p99Ms()));
        }
        CallSeries series = statistics.series();
        ObjectNode seriesNode = document.putObject("series")
                .put("start", FunctionDocuments.timestamp(series.start()))
                .put("startEpochSeconds", series.start().getEpochSecond())
                .put("stepSeconds", 1);
        longs(seriesNode.putArray("calls"), series.calls());
        longs(seriesNode.putArray("errors"), series.errors());
        longs(seriesNode.putArray("cold"), series.cold());
        longs(seriesNode.putArray("prewarmed"), series.prewarmed());
        longs(seriesNode.putArray("warm"), series.warm());
        doubles(seriesNode.putArray("p50Ms"), series.p50Ms());
        doubles(seriesNode.putArray("p99Ms"), series.p99Ms());
        return Json.write(document);
    }

    private static void longs(ArrayNode array, long[] values) {
        for (long value : values) {
            array.add(value);
        }
    }

    private static void doubles(ArrayNode array, double[] values) {
        for (double value : values) {
            array.add(round(value));
        }
    }

    private static double round(double millis) {
        return Math.round(millis * 1000.0) / 1000.0;
    }
}
