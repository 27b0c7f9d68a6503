package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** Checks of the abuse suites that hold alike for every language's runner. */
final class AbuseChecks {

    private AbuseChecks() {
    }

    /**
     * A function's dump of its environment ({@code environ}, the variables by name, and anything else it read) holds
     * neither {@code secret} (the platform's own) nor any {@code FAAS_} setting, names only {@code allowedNames}, and
     * no running container of {@code node} has {@code secret} in its configured environment.
     */
    static void assertHoldsNoPlatformSecret(JsonNode dump, String secret, DockerSupport docker, String node,
            String... allowedNames) {
        assertThat(dump.toString()).doesNotContain(secret).doesNotContain("FAAS_");
        List<String> names = new ArrayList<>();
        dump.get("environ").fieldNames().forEachRemaining(names::add);
        assertThat(names).isSubsetOf(allowedNames);
        for (Container container : docker.running(node)) {
            String[] environment = docker.client().inspectContainerCmd(container.getId()).exec().getConfig()
                    .getEnv();
            assertThat(Arrays.toString(environment)).doesNotContain(secret);
        }
    }

    /**
     * Version {@code id} (a 2 s timeout; its handler sleeps {@code seconds}, or loops forever without) answers a quick
     * call, is cut at its deadline with a 504 naming the timeout when it loops, and still finishes a call that sleeps
     * for half its timeout.
     */
    static void assertLoopIsCutAtTheDeadline_andTheVersionStillServes(Api api, String id) {
        assertThat(api.invoke(id, Map.of("seconds", 0)).result().asText()).isEqualTo("slept");

        Api.Reply looped = api.invoke(id);
        Api.Reply justInTime = api.invoke(id, Map.of("seconds", 1.0));

        assertThat(looped.problem(504, "function-timeout").path("timeoutMs").asLong()).isEqualTo(2000);
        assertThat(looped.millis()).isBetween(2000L, 4000L);
        assertThat(justInTime.result().asText()).isEqualTo("slept");
    }

    /**
     * Function {@code id} tries to connect to each of {@link HostService#targets}, all on this machine, so no packet
     * could leave it even if the sandbox were broken: no route out is proven by the host's own addresses (the
     * bridge's gateway and its other interface), where a host service listens. Its result holds each target's
     * outcome under {@code "host:port"}, checked by {@code eachOutcome} (with the target's name), then the whole
     * result by {@code wholeResult}; no connection may have reached the host service.
     */
    static void assertNoRouteOut(Api api, String id, int platformPort, BiConsumer<String, JsonNode> eachOutcome,
            Consumer<JsonNode> wholeResult) throws IOException {
        HostService hostService = HostService.start();
        try (hostService) {
            List<List<Object>> targets = hostService.targets(platformPort);

            JsonNode result = api.invoke(id, Map.of("targets", targets)).result();

            for (List<Object> target : targets) {
                eachOutcome.accept(target.toString(), result.get(target.get(0) + ":" + target.get(1)));
            }
            wholeResult.accept(result);
        }
        assertThat(hostService.accepted()).as("connections that reached a service on the host").isZero();
    }
}
