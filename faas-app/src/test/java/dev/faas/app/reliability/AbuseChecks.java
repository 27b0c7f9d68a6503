package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.Container;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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
}
