package dev.faas.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.adapter.memory.InMemoryApiKeyRepository;
import dev.faas.domain.access.ApiKeyService;
import dev.faas.domain.access.ConfiguredApiKeys;
import dev.faas.testkit.FakeFunctionRuntime;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The embeddable endpoint applies the server's bind policy (issue 13, point 7): without an API key it listens on a
 * loopback address only, unless told to allow unauthenticated callers from the network.
 */
class FaasHttpEndpointBindTest {

    private final FaasPlatform platform = FaasPlatform.builder().runtime(new FakeFunctionRuntime()).prewarm(0).build();

    @AfterEach
    void close() {
        platform.close();
    }

    @Test
    void givenNoKey_aNetworkBind_isRefusedNamingTheWaysOut() {
        assertThatThrownBy(() -> FaasHttpEndpoint.start(platform, "0.0.0.0", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.0.0.0")
                .hasMessageContaining("no API key").hasMessageContaining("allowUnauthenticated(true)");
        assertThatThrownBy(() -> FaasHttpEndpoint.builder(platform).bind("::").start())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void givenNoKey_loopbackBinds_andAnExplicitOptIn_areServed() {
        try (FaasHttpEndpoint loopback = FaasHttpEndpoint.start(platform, "127.0.0.1", 0);
             FaasHttpEndpoint optedIn = FaasHttpEndpoint.builder(platform).bind("0.0.0.0")
                     .allowUnauthenticated(true).start()) {
            assertThat(loopback.port()).isPositive();
            assertThat(optedIn.port()).isPositive();
        }
    }

    @Test
    void givenAKey_aNetworkBind_isServed() {
        ApiKeyService keys = new ApiKeyService(new InMemoryApiKeyRepository(), Clock.systemUTC());
        keys.bootstrap(ConfiguredApiKeys.parse("endpoint-admin-key-000001:admin", null));

        try (FaasHttpEndpoint endpoint = FaasHttpEndpoint.builder(platform).bind("0.0.0.0").apiKeys(keys).start()) {
            assertThat(endpoint.port()).isPositive();
        }
    }
}
