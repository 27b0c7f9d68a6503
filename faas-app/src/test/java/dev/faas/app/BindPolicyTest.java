package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BindPolicyTest {

    @Test
    void givenKeys_anyBind_isAllowedWithoutAWarning() {
        assertThat(BindPolicy.check("0.0.0.0", true, false)).isEmpty();
        assertThat(BindPolicy.check("127.0.0.1", true, false)).isEmpty();
    }

    @Test
    void givenNoKeyAndLoopback_bind_isAllowedWithAWarningSayingSo() {
        assertThat(BindPolicy.check("127.0.0.1", false, false)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("no API key is configured").contains("loopback").contains("FAAS_API_KEYS"));
        assertThat(BindPolicy.check("::1", false, false)).isPresent();
    }

    @Test
    void givenNoKeyAndANetworkBind_start_failsNamingTheWayOut() {
        assertThatThrownBy(() -> BindPolicy.check("0.0.0.0", false, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FAAS_BIND='0.0.0.0'")
                .hasMessageContaining("FAAS_API_KEYS")
                .hasMessageContaining("FAAS_ALLOW_UNAUTHENTICATED=true");
        assertThatThrownBy(() -> BindPolicy.check("192.168.1.10", false, false)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> BindPolicy.check("::", false, false)).isInstanceOf(ConfigException.class);
    }

    @Test
    void givenNoKeyAndANetworkBindWithTheOptIn_start_isAllowedWithALoudWarning() {
        assertThat(BindPolicy.check("0.0.0.0", false, true)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("allows every request from the network"));
    }

    @Test
    void isLoopback_acceptsOnlyAddressesProvablyOnThisMachine() {
        assertThat(BindPolicy.isLoopback("127.0.0.1")).isTrue();
        assertThat(BindPolicy.isLoopback("127.1.2.3")).isTrue();
        assertThat(BindPolicy.isLoopback("localhost")).isTrue();
        assertThat(BindPolicy.isLoopback("::1")).isTrue();
        assertThat(BindPolicy.isLoopback("[::1]")).isTrue();
        assertThat(BindPolicy.isLoopback("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(BindPolicy.isLoopback("0.0.0.0")).isFalse();
        assertThat(BindPolicy.isLoopback("127.0.0.256")).isFalse();
        assertThat(BindPolicy.isLoopback("::ffff:127.0.0.1")).as("IPv4-mapped: Java reports it as IPv4 loopback")
                .isTrue();
        assertThat(BindPolicy.isLoopback("::")).isFalse();
        assertThat(BindPolicy.isLoopback("10.0.0.1")).isFalse();
        assertThat(BindPolicy.isLoopback("localhost.example.com")).as("never resolved").isFalse();
        assertThat(BindPolicy.isLoopback("my-host")).isFalse();
        assertThat(BindPolicy.isLoopback("")).isFalse();
        assertThat(BindPolicy.isLoopback(null)).isFalse();
    }
}
