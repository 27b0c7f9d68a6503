package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.Container;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** What a function's environment may hold, checked alike for every language's runner. */
final class SandboxEnvironment {

    private SandboxEnvironment() {
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
}
