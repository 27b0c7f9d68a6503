package dev.faas.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.model.RequestedLimits;
import dev.faas.testkit.FakeFunctionRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node memory budget as the library wires it: from the host by default, bounding registrations. */
class NodeMemoryBudgetPlatformTest {

    private static final String ECHO = "def user_function():\n    return 1\n";

    @Test
    void givenNoBudget_theDefault_isThreeQuartersOfTheHostsMemory() {
        try (FaasPlatform faas = FaasPlatform.builder().runtime(new FakeFunctionRuntime()).build()) {
            long hostMb = HostMemory.totalMb();

            assertThat(hostMb).isPositive();
            assertThat(faas.pool().settings().nodeMemoryMb()).isEqualTo(Math.max(256, (int) (hostMb * 3 / 4)));
            assertThat(faas.pool().poolStatus().memoryBudgetMb()).isEqualTo(faas.pool().settings().nodeMemoryMb());
        }
    }

    @Test
    void givenBudgetOf1024_registrationAskingForMore_isRefusedAsAnInvalidLimit() {
        try (FaasPlatform faas = FaasPlatform.builder().runtime(new FakeFunctionRuntime()).nodeMemoryMb(1024)
                .checkCode(false).build()) {

            assertThatThrownBy(() -> faas.register("huge", ECHO, null, new RequestedLimits(null, 2048, null)))
                    .isInstanceOfSatisfying(InvalidRequestException.class,
                            e -> assertThat(e.field()).isEqualTo("limits.memoryMb"))
                    .hasMessageContaining("between 32 and 1024");
            assertThat(faas.register("fits", ECHO, null, new RequestedLimits(null, 1024, null))).hasToString("fits-1");
        }
    }

    @Test
    void givenBudgetBelowTheDefaultFunctionMemory_build_isRefused() {
        assertThatThrownBy(() -> FaasPlatform.builder().runtime(new FakeFunctionRuntime()).nodeMemoryMb(128).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("128 MB");
    }

    @Test
    void givenMeminfo_memTotal_isReadInMegabytes(@TempDir Path directory) throws Exception {
        Path meminfo = directory.resolve("meminfo");
        Files.writeString(meminfo, "MemTotal:       24684096 kB\nMemFree:         1000000 kB\n");

        assertThat(HostMemory.memTotalMb(meminfo)).isEqualTo(24684096L / 1024);
        assertThat(HostMemory.memTotalMb(directory.resolve("missing"))).isNull();
    }
}
