package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The language runtimes' settings: images per runtime, the node command and the nodejs stock's floor. */
class RuntimeConfigTest {

    @Test
    void defaults_nameBothImages_node_andNoNodeStock() {
        FaasConfig config = FaasConfig.defaults();

        assertThat(config.image()).isEqualTo("faas-python:latest");
        assertThat(config.nodeImage()).isEqualTo("faas-nodejs:latest");
        assertThat(config.nodeCommand()).isEqualTo("node");
        assertThat(config.prewarmNodejs()).isZero();
    }

    @Test
    void faasImage_keepsWorkingForPython_butFaasImagePython3Wins() {
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_IMAGE", "old:1")).image()).isEqualTo("old:1");
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_IMAGE", "old:1", "FAAS_IMAGE_PYTHON3", "new:2")).image())
                .isEqualTo("new:2");
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_IMAGE_NODEJS", "mine:3", "FAAS_NODE", "/opt/node"))
                .nodeImage()).isEqualTo("mine:3");
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_NODE", "/opt/node")).nodeCommand()).isEqualTo("/opt/node");
    }

    @Test
    void nodejsStock_isConfigurable() {
        assertThat(FaasConfig.fromEnvironment(Map.of("FAAS_PREWARM_NODEJS", "3")).prewarmNodejs()).isEqualTo(3);
        assertThatThrownBy(() -> FaasConfig.fromEnvironment(Map.of("FAAS_PREWARM_NODEJS", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("FAAS_PREWARM_NODEJS");
    }
}
