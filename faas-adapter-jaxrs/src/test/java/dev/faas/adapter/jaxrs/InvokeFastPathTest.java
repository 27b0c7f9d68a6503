package dev.faas.adapter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.adapter.jaxrs.metrics.FaasMetrics;
import dev.faas.ports.error.CapacityExceededException;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.in.DeleteFunctionUseCase;
import dev.faas.ports.in.GetFunctionUseCase;
import dev.faas.ports.in.InvokeFunctionUseCase;
import dev.faas.ports.in.ReadinessUseCase;
import dev.faas.ports.in.RegisterFunctionUseCase;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.model.StartKind;
import dev.faas.testkit.RawHttp;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The warm call's fast path answers exactly as Jersey does. Two servers share one set of use cases, one with
 * {@link InvokeFastPath} and one without; every request below goes to both over a raw socket, and their answers must
 * be the same bytes (status line, headers in order, body), whether the fast path served it (a call from a caller
 * allowed to make it, failures of the call included) or handed it to Jersey (every refusal and every other mode).
 * Which of the two ran is read off the stack of the use case's caller.
 */
class InvokeFastPathTest {

    private static final String BODY = "{\"name\":\"World\"}";

    private final FakeApiKeys keys = new FakeApiKeys();
    /** Per function name: what the fake invocation does. */
    private final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();
    /** Whether each call reached the use case through Jersey, in order. */
    private final List<Boolean> throughJersey = new ArrayList<>();
    private final List<FaasMetrics> metrics = new ArrayList<>();
    private FaasHttpServer plain;
    private FaasHttpServer fast;

    @AfterEach
    void stop() {
        for (FaasHttpServer server : new FaasHttpServer[] {plain, fast}) {
            if (server != null) {
                server.close();
            }
        }
        metrics.forEach(FaasMetrics::close);
    }

    private void start() {
        InvokeFunctionUseCase invoke = command -> {
            synchronized (throughJersey) {
                throughJersey.add(StackWalker.getInstance().walk(frames -> frames.anyMatch(
                        frame -> frame.getClassName().startsWith("org.glassfish.jersey."))));
            }
            RuntimeException failure = failures.get(command.functionId().name().value());
            if (failure != null) {
                throw failure;
            }
            return new InvocationResult(command.functionId(), "\"Hello, " + command.paramsJson().length() + "\"",
                    StartKind.WARM, Duration.ofNanos(1_234_567), Duration.ofNanos(456_789), Duration.ofMillis(2),
                    Duration.ofNanos(999), "", false);
        };
        GetFunctionUseCase get = stub(GetFunctionUseCase.class, (method, args) -> {
            if (method.getName().equals("latestId")) {
                FunctionName name = (FunctionName) args[0];
                if (name.value().equals("missing")) {
                    throw new FunctionNotFoundException(name);
                }
                return new FunctionId(name, 7);
            }
            throw new UnsupportedOperationException(method.getName());
        });
        ApiUseCases useCases = new ApiUseCases(stub(RegisterFunctionUseCase.class, null), invoke, get,
                stub(DeleteFunctionUseCase.class, null), stub(ReadinessUseCase.class, null));
        ApiSettings settings = new ApiSettings(1024);
        plain = FaasHttpServer.start("127.0.0.1", 0, 4, Duration.ZERO, application(useCases, settings), null, null);
        fast = FaasHttpServer.start("127.0.0.1", 0, 4, Duration.ZERO, application(useCases, settings), null,
                InvokeFastPath.of(useCases, keys, settings));
    }

    private ResourceConfig application(ApiUseCases useCases, ApiSettings settings) {
        FaasMetrics meters = new FaasMetrics();
        metrics.add(meters);
        return AccessControl.install(FaasResourceConfig.create(useCases, meters, settings), keys, keys, settings);
    }

    @Test
    void aCallOfAServerWithoutKeys_isServedByTheFastPath_withJerseysAnswer() throws IOException {
        start();

        String byName = same(post("/functions/hello/invoke", BODY));
        String byVersion = same(post("/functions/hello/versions/3/invoke", BODY));
        String emptyBody = same(post("/functions/hello/invoke", ""));

        assertThat(byName).startsWith("HTTP/1.1 200 OK\r\n").contains("X-Faas-Function: hello-7\r\n",
                "X-Faas-Init-Ms: 0.457\r\n", "X-Request-Id: req-1\r\n").endsWith("{\"result\":\"Hello, 16\"}");
        assertThat(byVersion).contains("X-Faas-Function: hello-3\r\n");
        assertThat(emptyBody).endsWith("{\"result\":\"Hello, 2\"}");
        assertThat(throughJersey).containsExactly(true, false, true, false, true, false);
    }

    @Test
    void theSeedsCall_isServedByTheFastPath_withJerseysAnswers() throws IOException {
        failures.put("crashing", new InstanceCrashedException("exit status 2", false, "partial output"));
        start();

        assertThat(same(post("/invoke", "{\"name\":\"hello-2\",\"params\":{\"name\":\"World\"}}")))
                .startsWith("HTTP/1.1 200 OK\r\n").contains("X-Faas-Function: hello-2\r\n")
                .endsWith("{\"result\":\"Hello, 16\"}");
        assertThat(same(post("/invoke", "{\"name\":\"hello-2\"}"))).endsWith("{\"result\":\"Hello, 2\"}");
        assertThat(same(post("/invoke", "{\"name\":\"crashing-1\",\"params\":{}}"))).startsWith("HTTP/1.1 502 ");
        assertThat(same(post("/invoke", "{\"params\":{}}"))).startsWith("HTTP/1.1 400 ");
        assertThat(same(post("/invoke", "{\"name\":\"hello\",\"params\":{}}"))).startsWith("HTTP/1.1 400 ");
        assertThat(same(post("/invoke", "{\"name\":\"hello-1\",\"params\":[1]}"))).startsWith("HTTP/1.1 400 ");
        assertThat(same(post("/invoke", "{\"name\":\"hello-1\",\"extra\":1}"))).startsWith("HTTP/1.1 400 ");
        assertThat(same(post("/invoke", "{\"name\":"))).startsWith("HTTP/1.1 400 ");
        assertThat(same(post("/invoke", ""))).startsWith("HTTP/1.1 400 ");
        same(post("/invoke?logs=true", "{\"name\":\"hello-2\"}"));
        same(post("/invoke/", "{\"name\":\"hello-2\"}"));
        assertThat(throughJersey).containsExactly(true, false, true, false, true, false, true, true, true, true);
    }

    @Test
    void failuresOnceTheCallIsUnderWay_areTheSameProblemDocuments() throws IOException {
        failures.put("crashing", new InstanceCrashedException("exit status 2", false, "partial output"));
        failures.put("busy", new CapacityExceededException("every instance is busy", Duration.ofSeconds(3)));
        start();

        assertThat(same(post("/functions/missing/invoke", BODY))).startsWith("HTTP/1.1 404 ")
                .contains("function-not-found");
        assertThat(same(post("/functions/hello/invoke", "{\"name\":"))).startsWith("HTTP/1.1 400 ")
                .contains("invalid-json");
        assertThat(same(post("/functions/hello/invoke", "[1]"))).startsWith("HTTP/1.1 400 ");
        assertThat(same(post("/functions/missing/invoke", "{"))).contains("invalid-json");
        assertThat(same(post("/functions/crashing/invoke", BODY))).startsWith("HTTP/1.1 502 ")
                .contains("instance-crashed", "partial output", "\"requestId\":\"req-1\"");
        assertThat(same(post("/functions/busy/invoke", BODY))).startsWith("HTTP/1.1 429 ")
                .contains("Retry-After: 3\r\n");
        assertThat(throughJersey).containsExactly(true, false, true, false);
    }

    @Test
    void callersWithAKeyThatMayInvoke_takeTheFastPath_everyOtherCallerJerseysRefusal() throws IOException {
        String invoker = keys.add(AccessRole.INVOKE);
        String admin = keys.add(AccessRole.ADMIN);
        start();

        assertThat(same(post("/functions/hello/invoke", BODY, "Authorization: Bearer " + invoker)))
                .startsWith("HTTP/1.1 200 ");
        assertThat(same(post("/functions/hello/invoke", BODY, "authorization: bearer " + admin)))
                .startsWith("HTTP/1.1 200 ");
        assertThat(same(post("/functions/hello/invoke", BODY))).startsWith("HTTP/1.1 401 ")
                .contains("WWW-Authenticate: Bearer");
        assertThat(same(post("/functions/hello/invoke", BODY, "Authorization: Bearer faas_not-a-key")))
                .startsWith("HTTP/1.1 401 ").contains("invalid_token");
        assertThat(same(post("/functions/hello/invoke", BODY, "Authorization: Basic " + invoker)))
                .startsWith("HTTP/1.1 401 ");
        assertThat(throughJersey).containsExactly(true, false, true, false);
    }

    @Test
    void aKeyStoreThatIsDown_isJerseysAnswer() throws IOException {
        String invoker = keys.add(AccessRole.INVOKE);
        start();
        keys.storeDown();

        assertThat(same(post("/functions/hello/invoke", BODY, "Authorization: Bearer " + invoker)))
                .startsWith("HTTP/1.1 503 ");
        assertThat(throughJersey).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "POST /functions/hello/invoke HTTP/1.1\r\nHost: evil.example\r\n",
        "POST /functions/hello/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n",
        "POST /functions/hello/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: null\r\n",
        "POST /functions/hello/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: cross-site\r\n",
    })
    void browsersAndForeignNamesOnAServerWithoutKeys_getJerseysRefusal(String head) throws IOException {
        start();

        assertThat(same(head + "X-Request-Id: req-1\r\nContent-Length: " + BODY.length() + "\r\nConnection: close\r\n\r\n"
                + BODY)).matches("HTTP/1.1 (421|403) [\\s\\S]*");
        assertThat(throughJersey).isEmpty();
    }

    @Test
    void everyOtherFormOfTheCall_isJerseys() throws IOException {
        start();

        same(post("/functions/hello/invoke?logs=true", BODY));
        same(post("/functions/hello/invoke?async=true", BODY));
        same(post("/functions/hello/invoke", BODY, "Prefer: respond-async"));
        assertThat(same(post("/functions/hello/invoke", "{\"name\":\"" + "x".repeat(2000) + "\"}")))
                .startsWith("HTTP/1.1 413 ");
        assertThat(same(post("/functions/hello/versions/0/invoke", BODY))).startsWith("HTTP/1.1 400 ");
        assertThat(same(post("/functions/hello/versions/1234567890/invoke", BODY))).startsWith("HTTP/1.1 400 ");
        assertThat(same(post("/functions/Bad%20Name/invoke", BODY))).startsWith("HTTP/1.1 400 ");
        assertThat(same(post("/functions/" + "a".repeat(129) + "/invoke", BODY))).startsWith("HTTP/1.1 400 ");
        same(post("/functions/hello/invoke/", BODY));
        same(post("/functions/hel%6Co/invoke", BODY));
        same(post("/functions/hello;v=1/invoke", BODY));
        same("GET /functions/hello/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: req-1\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(throughJersey).doesNotContain(false);
    }

    @Test
    void anInsaneRequestId_isReplacedByANewOne_asJerseyDoes() throws IOException {
        start();
        String request = "POST /functions/hello/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: bad id!\r\n"
                + "Content-Length: " + BODY.length() + "\r\nConnection: close\r\n\r\n" + BODY;

        String answer = send(fast, request);

        assertThat(answer).startsWith("HTTP/1.1 200 ").containsPattern("X-Request-Id: [0-9a-f-]{36}\r\n");
        assertThat(throughJersey).containsExactly(false);
    }

    private static String post(String path, String body, String... headers) {
        StringBuilder request = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return request.append("X-Request-Id: req-1\r\nContent-Length: ")
                .append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\nConnection: close\r\n\r\n")
                .append(body).toString();
    }

    /** Sends {@code request} to both servers; asserts their answers are the same bytes and returns the answer. */
    private String same(String request) throws IOException {
        String jersey = send(plain, request);
        String fastPath = send(fast, request);
        assertThat(fastPath).as("the fast path's answer to %s", request).isEqualTo(jersey);
        return jersey;
    }

    private static String send(FaasHttpServer server, String request) throws IOException {
        return new String(RawHttp.exchange(server.port(), Duration.ofSeconds(10),
                request.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    private interface Answer {
        Object answer(Method method, Object[] args);
    }

    @SuppressWarnings("unchecked")
    private static <T> T stub(Class<T> type, Answer answer) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (answer == null) {
                throw new UnsupportedOperationException(method.getName());
            }
            return answer.answer(method, args);
        });
    }
}
