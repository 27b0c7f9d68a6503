package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** The CLI's HTTP client of the platform's API: sends the key, turns problem documents into {@link ApiException}. */
final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI baseUrl;
    private final String apiKey;

    ApiClient(URI baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
    }

    JsonNode get(String path) {
        return send(request(path).GET());
    }

    JsonNode post(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(baseUrl.resolve(path)).timeout(Duration.ofMinutes(16));
        if (apiKey != null && !apiKey.isBlank()) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        return builder;
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new UnreachableException("cannot reach the server at " + baseUrl
                    + " (is it running? set --url or FAAS_URL)");
        } catch (HttpTimeoutException e) {
            throw new UnreachableException("the server at " + baseUrl + " did not answer in time");
        } catch (IOException e) {
            throw new UnreachableException("cannot talk to the server at " + baseUrl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted");
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() >= 400) {
            throw new ApiException(response.statusCode(), body);
        }
        return body;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }

    /** The server answered with an error; carries its problem document. */
    static final class ApiException extends RuntimeException {
        final int status;
        final JsonNode problem;

        ApiException(int status, JsonNode problem) {
            super(describe(status, problem));
            this.status = status;
            this.problem = problem;
        }

        private static String describe(int status, JsonNode problem) {
            String detail = problem.path("detail").asText(problem.isTextual() ? problem.asText() : "");
            String title = problem.path("title").asText("HTTP " + status);
            StringBuilder message = new StringBuilder(title).append(" (").append(status).append(")");
            if (!detail.isEmpty()) {
                message.append(": ").append(detail);
            }
            JsonNode error = problem.path("error");
            if (error.hasNonNull("traceback") && !error.path("traceback").asText().isEmpty()) {
                message.append(System.lineSeparator()).append(error.path("traceback").asText().stripTrailing());
            }
            return message.toString();
        }
    }

    /** The server could not be reached at all. */
    static final class UnreachableException extends RuntimeException {
        UnreachableException(String message) {
            super(message);
        }
    }
}
