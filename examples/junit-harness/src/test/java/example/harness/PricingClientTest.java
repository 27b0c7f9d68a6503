package example.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.faas.junit.FaasBaseUrl;
import dev.faas.junit.FaasExtension;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PricingClientTest {

    @RegisterExtension
    static FaasExtension faas = FaasExtension.builder()
            .functionFromResource("price", "functions/price.py")
            .http()
            .build();

    @Test
    void quotesComeFromTheRealFunction(@FaasBaseUrl URI baseUrl) throws Exception {
        PricingClient client = new PricingClient(baseUrl, faas.id("price").toString());

        assertEquals("{\"result\":30}", client.quote(3));
        assertEquals("{\"result\":80}", client.quote(10));
    }

    @Test
    void aFailingFunctionIsReportedToTheCaller(@FaasBaseUrl URI baseUrl) {
        PricingClient client = new PricingClient(baseUrl, faas.id("price").toString());

        IOException failure = assertThrows(IOException.class, () -> client.quote(-1));
        assertEquals(true, failure.getMessage().contains("ValueError"));
    }
}
