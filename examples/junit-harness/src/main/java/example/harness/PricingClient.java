package example.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The code under test: a service that asks a FaaS endpoint for prices. In production it points at the real
 * platform; its test points it at one the JUnit extension starts.
 */
public final class PricingClient {

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI faas;
    private final String functionId;

    public PricingClient(URI faas, String functionId) {
        this.faas = faas;
        this.functionId = functionId;
    }

    /** The price of {@code quantity} items, computed by the function; the raw JSON body of its answer. */
    public String quote(int quantity) throws IOException, InterruptedException {
        String body = "{\"name\":\"" + functionId + "\",\"params\":{\"quantity\":" + quantity + "}}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(faas.resolve("/invoke"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("pricing failed with " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
