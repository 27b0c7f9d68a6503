package dev.faas.adapter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.adapter.jaxrs.metrics.FaasMetrics;
import dev.faas.ports.in.DeleteFunctionUseCase;
import dev.faas.ports.in.GetFunctionUseCase;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.in.InvokeFunctionUseCase;
import dev.faas.ports.in.ReadinessUseCase;
import dev.faas.ports.in.RegisterFunctionCommand;
import dev.faas.ports.in.RegisterFunctionUseCase;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.model.StartKind;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Request bodies bound to records over real HTTP: params reach the use case as the text the caller sent (checked in
 * one streaming pass, never parsed into a tree and written again), and every refusal names its field in the words
 * the API has always used (the details below are those of the hand-written checks the binding replaced).
 */
class RequestBindingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newHttpClient();
    private final List<InvokeFunctionCommand> invocations = new CopyOnWriteArrayList<>();
    private final List<RegisterFunctionCommand> registrations = new CopyOnWriteArrayList<>();
    private final FaasMetrics metrics = new FaasMetrics();
    private FaasHttpServer server;

    @BeforeEach
    void start() {
        InvokeFunctionUseCase invoke = command -> {
            invocations.add(command);
            return new InvocationResult(command.functionId(), "\"ok\"", StartKind.WARM, Duration.ZERO, Duration.ZERO,
                    Duration.ZERO, Duration.ZERO, "", false);
        };
        RegisterFunctionUseCase register = command -> {
            registrations.add(command);
            return new FunctionDefinition(new dev.faas.ports.model.FunctionId(command.name(), 1), command.code(),
                    command.handler(), new FunctionLimits(Duration.ofSeconds(60), 256, 8), Instant.EPOCH, "0".repeat(64));
        };
        server = FaasHttpServer.start("127.0.0.1", 0, 4, FaasResourceConfig.create(new ApiUseCases(register, invoke,
                stub(GetFunctionUseCase.class), stub(DeleteFunctionUseCase.class), stub(ReadinessUseCase.class)),
                metrics, ApiSettings.defaults()));
    }

    @AfterEach
    void stop() {
        server.close();
        metrics.close();
    }

    @Test
    void invokeByPath_forwardsTheBodyAsSent_withoutReformattingIt() throws Exception {
        HttpResponse<String> response = post("/functions/f/versions/1/invoke",
                "  { \"name\" : \"W\\u00f6rld\", \"n\": [2.50, 1e3, 12345678901234567890] }\n");

        assertThat(response.body()).isEqualTo("{\"result\":\"ok\"}");
        assertThat(invocations).singleElement().extracting(InvokeFunctionCommand::paramsJson)
                .isEqualTo("{ \"name\" : \"W\\u00f6rld\", \"n\": [2.50, 1e3, 12345678901234567890] }");
    }

    @Test
    void seedInvoke_forwardsTheParamsMemberAsSent() throws Exception {
        HttpResponse<String> response = post("/invoke",
                "{\"params\": {\"a\" : {\"b\": [1.0, -0.0]}}, \"name\": \"f-1\"}");

        assertThat(response.body()).isEqualTo("{\"result\":\"ok\"}");
        assertThat(invocations).singleElement().extracting(InvokeFunctionCommand::paramsJson)
                .isEqualTo("{\"a\" : {\"b\": [1.0, -0.0]}}");
    }

    @Test
    void seedInvoke_withoutParams_orAnEmptyBodyByPath_forwardsAnEmptyObject() throws Exception {
        post("/invoke", "{\"name\":\"f-1\"}");
        post("/functions/f/versions/1/invoke", " \r\n");

        assertThat(invocations).extracting(InvokeFunctionCommand::paramsJson).containsExactly("{}", "{}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "/register | {\"extra\":1} | extra | unknown field 'extra'; expected [archive, code, env, handler, limits, name, network, requirements, runtime, secrets]",
        "/register | {\"code\":\"c\"} | name | 'name' is required",
        "/register | {\"name\":null,\"code\":\"c\"} | name | 'name' is required",
        "/register | {\"name\":\"x\",\"code\":42} | code | 'code' must be a string, not a number",
        "/register | {\"name\":\"x\",\"code\":{}} | code | 'code' must be a string, not an object",
        "/register | {\"name\":\"x\",\"code\":\"c\",\"handler\":true} | handler | 'handler' must be a string, not a boolean",
        "/register | {\"name\":\"x\",\"code\":\"c\",\"limits\":[1]} | limits | 'limits' must be a JSON object, not an array",
        "/register | {\"name\":\"x\",\"code\":\"c\",\"limits\":{\"bogus\":1}} | limits.bogus"
                + " | unknown field 'limits.bogus'; expected [limits.maxInstances, limits.memoryMb, limits.timeoutMs]",
        "/register | {\"name\":\"x\",\"code\":\"c\",\"limits\":{\"timeoutMs\":\"5\"}} | limits.timeoutMs"
                + " | 'limits.timeoutMs' must be a whole number, not a string",
        "/register | {\"name\":\"x\",\"code\":\"c\",\"limits\":{\"timeoutMs\":5.0}} | limits.timeoutMs"
                + " | 'limits.timeoutMs' must be a whole number, not a number 5",
        "/register | {\"name\":\"x\",\"code\":\"c\",\"limits\":{\"timeoutMs\":null}} | limits.timeoutMs"
                + " | 'limits.timeoutMs' must be a whole number, not null",
        "/register | {\"name\":\"x\",\"code\":\"c\",\"limits\":{\"memoryMb\":99999999999}} | limits.memoryMb"
                + " | 'limits.memoryMb' must be a whole number, not a number 99999999999",
        "/invoke | {\"name\":\"f-1\",\"params\":[1]} | params"
                + " | 'params' must be a JSON object of keyword arguments, not an array",
        "/invoke | {\"name\":\"f-1\",\"params\":null} | params"
                + " | 'params' must be a JSON object of keyword arguments, not null",
        "/invoke | {\"name\":\"hello\",\"params\":[1]} | name"
                + " | 'hello' is not a function id: expected <name>-<version>, such as 'hello-1'",
        "/invoke | {\"params\":5} | name | 'name' is required",
        "/invoke | {\"name\":\"f-1\",\"extra\":1} | extra | unknown field 'extra'; expected [name, params]",
        "/invoke | {\"name\":7} | name | 'name' must be a string, not a number",
    })
    void mistakes_areRefusedNamingTheField_asBefore(String path, String body, String field, String detail)
            throws Exception {
        JsonNode problem = JSON.readTree(post(path, body).body());

        assertThat(problem.path("type").asText()).isEqualTo("urn:faas:problem:invalid-request");
        assertThat(problem.path("field").asText()).isEqualTo(field);
        assertThat(problem.path("detail").asText()).isEqualTo(detail);
        assertThat(invocations).isEmpty();
        assertThat(registrations).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "/register | [1,2] | the request body must be a JSON object, not an array",
        "/register | ` ` | the request body is empty; expected a JSON object",
        "/functions/f/versions/1/invoke | \"x\" | the request body must be a JSON object, not a string",
        "/functions/f/versions/1/invoke | null | the request body must be a JSON object, not null",
        "/invoke | {\"name\":\"f-1\",\"params\":{\"a\":1,\"a\":2}} | the request body is not valid JSON:"
                + " Duplicate field 'a' (line 1, column 34)",
        "/functions/f/versions/1/invoke | {\"a\":NaN} | the request body is not valid JSON: Non-standard token"
                + " 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow (line 1, column 9)",
    })
    void malformedBodies_areInvalidJson_asBefore(String path, String body, String detail) throws Exception {
        JsonNode problem = JSON.readTree(post(path, body).body());

        assertThat(problem.path("type").asText()).isEqualTo("urn:faas:problem:invalid-json");
        assertThat(problem.path("detail").asText()).isEqualTo(detail);
        assertThat(invocations).isEmpty();
    }

    @Test
    void registration_bindsEveryMember() throws Exception {
        HttpResponse<String> response = post("/register", "{\"name\":\"x\",\"code\":\"c\",\"handler\":\"h\","
                + "\"limits\":{\"timeoutMs\":5000,\"memoryMb\":128,\"maxInstances\":2}}");

        assertThat(response.body()).isEqualTo("{\"result\":\"x-1\"}");
        RegisterFunctionCommand command = registrations.get(0);
        assertThat(command.handler()).isEqualTo("h");
        assertThat(command.limits()).isEqualTo(new dev.faas.ports.model.RequestedLimits(5000L, 128, 2));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static <T> T stub(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            throw new UnsupportedOperationException(method.getName());
        });
    }
}
