package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.platform.FaasPlatform;
import dev.faas.testkit.FakeFunctionRuntime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FAAS_PREWARM_MAX, the ceiling of the pre-warm stock, from the environment to the pool. */
class PrewarmMaxConfigTest {

    @Test
    void givenNoVariable_theCeilingIs32_orTheFloorIfHigher() {
        assertThat(FaasConfig.defaults().prewarmMax()).isEqualTo(32);
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_PREWARM", "40")).prewarmMax()).isEqualTo(40);
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_PREWARM_MAX", "8")).prewarmMax()).isEqualTo(8);
    }

    @Test
    void givenCeilingBelowTheFloor_theConfigurationIsRefused() {
        assertThatThrownBy(() -> FaasConfig.fromEnvironment(Map.of("FAAS_PREWARM", "4", "FAAS_PREWARM_MAX", "3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FAAS_PREWARM_MAX=3").hasMessageContaining("FAAS_PREWARM=4");
        assertThatThrownBy(() -> FaasConfig.fromEnvironment(Map.of("FAAS_PREWARM_MAX", "lots")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("FAAS_PREWARM_MAX");
    }

    @Test
    void givenBuilderCeiling_thePoolGetsIt() {
        try (FaasPlatform faas = FaasPlatform.builder().runtime(new FakeFunctionRuntime()).prewarm(1).prewarmMax(5)
                .build()) {
            assertThat(faas.pool().settings().prewarmCount()).isEqualTo(1);
            assertThat(faas.pool().settings().prewarmMax()).isEqualTo(5);
        }
        try (FaasPlatform faas = FaasPlatform.builder().runtime(new FakeFunctionRuntime()).build()) {
            assertThat(faas.pool().settings().prewarmMax()).isEqualTo(32);
        }
    }
}
