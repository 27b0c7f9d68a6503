package dev.faas.app;

import static dev.faas.app.SeedApiEndToEndTest.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The functions API over real HTTP, with functions running as real python3 processes: listing, reading and deleting
 * versions, invoking by path, logs on demand, body limits, readiness, metrics and the OpenAPI document.
 */
class FunctionsApiEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GREETER = "def user_function(name='nobody'):\n    print('greeting', name)\n"
            + "    return f'Hello, {name}!'";

    @RegisterExtension
    static final ProcessServerExtension SERVER = new ProcessServerExtension();

    private static final HttpClientSupport http = SERVER.http();

    @Test
    void listFunctions_pagesNamesInOrder_withNextUntilThePageIsNotFull() throws Exception {
        register("list-b", GREETER);
        register("list-a", GREETER);
        register("list-a", GREETER);
        register("list-c", GREETER);

        JsonNode first = json(http.get("/functions?after=lisa&limit=2"), 200);
        JsonNode second = json(http.get("/functions?after=" + first.get("next").asText() + "&limit=2"), 200);
        JsonNode all = json(http.get("/functions"), 200);

        assertThat(first.get("functions").toString()).isEqualTo("[{\"name\":\"list-a\",\"latestVersion\":2,"
                + "\"versions\":2,\"runtime\":\"python3\"},{\"name\":\"list-b\",\"latestVersion\":1,\"versions\":1,"
                + "\"runtime\":\"python3\"}]");
        assertThat(first.get("next").asText()).isEqualTo("list-b");
        assertThat(second.get("functions").get(0).get("name").asText()).isEqualTo("list-c");
        assertThat(all.get("functions").size()).isLessThan(100);
        assertThat(all.get("next").isNull()).isTrue();
    }

    @Test
    void getFunction_listsItsVersionsOldestFirst_withMetadataButNoCode() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        register("meta", GREETER);
        http.post("/register", body(Map.of("name", "meta", "code", GREETER, "handler", "user_function",
                "limits", Map.of("timeoutMs", 5000, "memoryMb", 128, "maxInstances", 2))));

        JsonNode function = json(http.get("/functions/meta"), 200);

        assertThat(function.get("name").asText()).isEqualTo("meta");
        JsonNode versions = function.get("versions");
        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).get("id").asText()).isEqualTo("meta-1");
        JsonNode second = versions.get(1);
        assertThat(second.get("id").asText()).isEqualTo("meta-2");
        assertThat(second.get("name").asText()).isEqualTo("meta");
        assertThat(second.get("version").asInt()).isEqualTo(2);
        assertThat(second.get("handler").asText()).isEqualTo("user_function");
        assertThat(second.get("limits").toString()).isEqualTo("{\"timeoutMs\":5000,\"memoryMb\":128,\"maxInstances\":2}");
        assertThat(second.get("createdAt").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(Instant.parse(second.get("createdAt").asText())).isAfter(before);
        assertThat(second.get("codeSha256").asText()).matches("[0-9a-f]{64}");
        assertThat(second.has("code")).isFalse();
    }

    @Test
    void getVersion_returnsItsMetadataAndCode_toACallerAllowedToReadCode() throws Exception {
        register("readable", GREETER);

        JsonNode version = json(http.get("/functions/readable/versions/1"), 200);

        assertThat(version.get("id").asText()).isEqualTo("readable-1");
        assertThat(version.get("limits").toString())
                .isEqualTo("{\"timeoutMs\":60000,\"memoryMb\":256,\"maxInstances\":8}");
        assertThat(version.get("code").asText()).isEqualTo(GREETER);
        assertThat(version.get("codeSha256").asText()).isEqualTo(sha256(GREETER));
    }

    @Test
    void unknownNamesAndVersions_get404FunctionNotFound() throws Exception {
        register("known", GREETER);

        problem(http.get("/functions/never-registered"), 404, "urn:faas:problem:function-not-found");
        problem(http.get("/functions/known/versions/2"), 404, "urn:faas:problem:function-not-found");
        problem(http.delete("/functions/known/versions/2"), 404, "urn:faas:problem:function-not-found");
        problem(http.delete("/functions/never-registered"), 404, "urn:faas:problem:function-not-found");
        problem(http.post("/functions/never-registered/invoke", "{}"), 404, "urn:faas:problem:function-not-found");
        problem(http.post("/functions/known/versions/9/invoke", "{}"), 404, "urn:faas:problem:function-not-found");
    }

    @Test
    void badPathAndQueryParameters_get400InvalidRequestNamingTheParameter() throws Exception {
        register("params", GREETER);

        assertField(http.get("/functions/9lives"), "name");
        assertField(http.get("/functions/" + "a".repeat(65)), "name");
        assertField(http.get("/functions/bad%20name"), "name");
        for (String version : List.of("0", "01", "-1", "abc", "1e3", "+1", "1.0", "9999999999")) {
            assertField(http.get("/functions/params/versions/" + version), "version");
        }
        assertField(http.delete("/functions/params/versions/0"), "version");
        assertField(http.post("/functions/params/versions/x/invoke", "{}"), "version");
        assertField(http.post("/functions/9lives/invoke", "{}"), "name");
        for (String limit : List.of("0", "1001", "ten", "-5", "1.5")) {
            assertField(http.get("/functions?limit=" + limit), "limit");
        }
        assertField(http.get("/functions?after=9lives"), "after");
        assertField(http.post("/functions/params/invoke?logs=maybe", "{}"), "logs");
        assertField(http.post("/invoke?logs=yes", "{\"name\":\"params-1\"}"), "logs");
    }

    @Test
    void invokeVersion_takesTheBodyAsParams_andAnswersLikeTheSeed() throws Exception {
        register("by-path", GREETER);

        HttpResponse<String> response = http.post("/functions/by-path/versions/1/invoke", "{\"name\": \"World\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"result\":\"Hello, World!\"}");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.headers().firstValue("X-Faas-Function")).contains("by-path-1");
        assertThat(response.headers().firstValue("X-Faas-Start")).contains("cold");
        for (String header : List.of("X-Faas-Duration-Ms", "X-Faas-Init-Ms", "X-Faas-Wait-Ms")) {
            assertThat(response.headers().firstValue(header)).hasValueSatisfying(
                    value -> assertThat(value).matches("\\d+\\.\\d{3}"));
        }
    }

    @Test
    void invokeLatest_withAnEmptyBody_runsTheNewestVersionWithoutParams() throws Exception {
        register("latest", "def user_function():\n    return 'first'");
        register("latest", "def user_function():\n    return 'second'");

        HttpResponse<String> response = http.send(http.request("/functions/latest/invoke")
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"result\":\"second\"}");
        assertThat(response.headers().firstValue("X-Faas-Function")).contains("latest-2");
        assertThat(http.post("/functions/latest/versions/1/invoke", "").body()).isEqualTo("{\"result\":\"first\"}");
    }

    @Test
    void invokeByPath_refusesBodiesThatAreNotOneStrictJsonObject() throws Exception {
        register("strict", GREETER);
        String path = "/functions/strict/versions/1/invoke";

        problem(http.post(path, "{\"name\":\"x\"} trailing"), 400, "urn:faas:problem:invalid-json");
        problem(http.post(path, "[\"x\"]"), 400, "urn:faas:problem:invalid-json");
        problem(http.post(path, "\"x\""), 400, "urn:faas:problem:invalid-json");
        problem(http.post(path, "{\"name\":\"x\",\"name\":\"y\"}"), 400, "urn:faas:problem:invalid-json");
        problem(http.post(path, "{\"name\":NaN}"), 400, "urn:faas:problem:invalid-json");
        problem(http.post("/functions/strict/invoke", new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}), 400,
                "urn:faas:problem:invalid-json");
    }

    @Test
    void functionErrorsThroughTheNewEndpoints_areTheSameProblemsAsOnInvoke() throws Exception {
        register("fails", "def user_function():\n    raise ValueError('nope')");

        JsonNode latest = problem(http.post("/functions/fails/invoke", ""), 422, "urn:faas:problem:function-error");
        JsonNode version = problem(http.post("/functions/fails/versions/1/invoke", ""), 422,
                "urn:faas:problem:function-error");

        assertThat(latest.at("/error/type").asText()).isEqualTo("ValueError");
        assertThat(version.at("/error/message").asText()).isEqualTo("nope");
    }

    @Test
    void logsTrue_addsTheCallsLogsToTheAnswer_andInvokeStaysSeedExactWithoutIt() throws Exception {
        String id = register("chatty", GREETER);

        HttpResponse<String> seed = http.post("/invoke", "{\"name\":\"" + id + "\",\"params\":{\"name\":\"A\"}}");
        HttpResponse<String> seedWithLogs = http.post("/invoke?logs=true",
                "{\"name\":\"" + id + "\",\"params\":{\"name\":\"B\"}}");
        HttpResponse<String> version = http.post("/functions/chatty/versions/1/invoke?logs=true", "{\"name\":\"C\"}");
        HttpResponse<String> latest = http.post("/functions/chatty/invoke?logs=true", "{\"name\":\"D\"}");
        HttpResponse<String> latestWithoutLogs = http.post("/functions/chatty/invoke?logs=false", "{\"name\":\"E\"}");

        assertThat(seed.body()).isEqualTo("{\"result\":\"Hello, A!\"}");
        assertThat(seedWithLogs.body())
                .isEqualTo("{\"result\":\"Hello, B!\",\"logs\":\"greeting B\\n\",\"logsTruncated\":false}");
        assertThat(version.body())
                .isEqualTo("{\"result\":\"Hello, C!\",\"logs\":\"greeting C\\n\",\"logsTruncated\":false}");
        assertThat(latest.body())
                .isEqualTo("{\"result\":\"Hello, D!\",\"logs\":\"greeting D\\n\",\"logsTruncated\":false}");
        assertThat(latestWithoutLogs.body()).isEqualTo("{\"result\":\"Hello, E!\"}");
    }

    @Test
    void functionPrintingTenMegabytes_returnsTruncatedLogsWithANotice_andTheHeapStaysBounded() throws Exception {
        register("loud", "def user_function():\n    for _ in range(10):\n        print('x' * (1024 * 1024))\n"
                + "    return 'done'");
        long heapBefore = usedHeapAfterGc();

        HttpResponse<String> response = http.post("/functions/loud/invoke?logs=true", "");
        long heapAfter = usedHeapAfterGc();

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body().length()).isLessThan(256 * 1024);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("result").asText()).isEqualTo("done");
        assertThat(answer.get("logsTruncated").asBoolean()).isTrue();
        assertThat(answer.get("logs").asText()).contains("[output truncated");
        assertThat(heapAfter - heapBefore).isLessThan(64L * 1024 * 1024);
    }

    @Test
    void deleteVersion_answers204_stopsItsInstances_andLaterCallsGet404() throws Exception {
        register("doomed", GREETER);
        register("doomed", GREETER);
        Set<String> before = new HashSet<>(SERVER.server().runtime().running());
        assertThat(http.post("/functions/doomed/versions/1/invoke", "{}").statusCode()).isEqualTo(200);
        assertThat(http.post("/functions/doomed/versions/2/invoke", "{}").statusCode()).isEqualTo(200);
        Set<String> started = new HashSet<>(SERVER.server().runtime().running());
        started.removeAll(before);
        assertThat(started).hasSize(2);

        HttpResponse<String> deleted = http.delete("/functions/doomed/versions/1");

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        awaitStopped(started, 1);
        problem(http.post("/functions/doomed/versions/1/invoke", "{}"), 404, "urn:faas:problem:function-not-found");
        problem(http.post("/invoke", "{\"name\":\"doomed-1\"}"), 404, "urn:faas:problem:function-not-found");
        problem(http.get("/functions/doomed/versions/1"), 404, "urn:faas:problem:function-not-found");
        assertThat(http.post("/functions/doomed/invoke", "{}").headers().firstValue("X-Faas-Function"))
                .contains("doomed-2");
        assertThat(json(http.get("/functions/doomed"), 200).get("versions")).hasSize(1);
    }

    @Test
    void deleteFunction_returnsTheDeletedIds_stopsEveryInstance_andReRegisteringGetsAHigherVersion()
            throws Exception {
        register("gone", GREETER);
        register("gone", GREETER);
        Set<String> before = new HashSet<>(SERVER.server().runtime().running());
        http.post("/functions/gone/versions/1/invoke", "{}");
        http.post("/functions/gone/versions/2/invoke", "{}");
        Set<String> started = new HashSet<>(SERVER.server().runtime().running());
        started.removeAll(before);

        HttpResponse<String> deleted = http.delete("/functions/gone");

        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(deleted.body()).isEqualTo("{\"deleted\":[\"gone-1\",\"gone-2\"]}");
        awaitStopped(started, 0);
        problem(http.get("/functions/gone"), 404, "urn:faas:problem:function-not-found");
        problem(http.post("/functions/gone/invoke", "{}"), 404, "urn:faas:problem:function-not-found");
        problem(http.post("/invoke", "{\"name\":\"gone-2\"}"), 404, "urn:faas:problem:function-not-found");
        assertThat(register("gone", GREETER)).isEqualTo("gone-3");
        assertThat(http.post("/functions/gone/invoke", "{}").body()).isEqualTo("{\"result\":\"Hello, nobody!\"}");
    }

    @Test
    void oversizedBodies_onTheNewInvokeEndpoints_get413_withoutStartingAnInstance() throws Exception {
        register("big", GREETER);
        byte[] body = new byte[7 * 1024 * 1024];
        Arrays.fill(body, (byte) ' ');
        List<String> running = SERVER.server().runtime().running();

        problem(http.post("/functions/big/invoke", body), 413, "urn:faas:problem:payload-too-large");
        problem(http.post("/functions/big/versions/1/invoke", body), 413, "urn:faas:problem:payload-too-large");
        problem(http.send(http.request("/functions/big/invoke")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))),
                413, "urn:faas:problem:payload-too-large");

        assertThat(SERVER.server().runtime().running()).containsExactlyInAnyOrderElementsOf(running);
        assertThat(SERVER.server().pool().poolStatus().total()).isEqualTo(running.size());
    }

    @Test
    void metrics_showInvocationsDurationsErrorsAndPoolGauges_afterAFewCalls() throws Exception {
        String id = register("counted", GREETER);
        register("counted-fails", "def user_function():\n    return 1 / 0");
        http.post("/invoke", "{\"name\":\"" + id + "\"}");
        http.post("/invoke", "{\"name\":\"" + id + "\"}");
        http.post("/functions/counted-fails/invoke", "");
        http.post("/invoke", "{\"name\":\"counted-404\"}");

        HttpResponse<String> response = http.get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain").contains("version=0.0.4"));
        assertThat(response.body())
                .contains("faas_invocations_total{function=\"counted-1\",outcome=\"ok\",start=\"cold\"} 1.0")
                .contains("faas_invocations_total{function=\"counted-1\",outcome=\"ok\",start=\"warm\"} 1.0")
                .contains("faas_invocations_total{function=\"counted-fails-1\",outcome=\"function-error\","
                        + "start=\"none\"}")
                .contains("faas_invocation_errors_total{function=\"counted-fails-1\",type=\"function-error\"} 1.0")
                .contains("faas_invocation_errors_total{function=\"unknown\",type=\"function-not-found\"}")
                .doesNotContain("counted-404")
                .contains("faas_invocation_duration_seconds_bucket{function=\"counted-1\",start=\"warm\",le=\"+Inf\"} 1")
                .contains("faas_invocation_init_seconds_count{function=\"counted-1\",start=\"cold\"} 1")
                .contains("faas_invocation_wait_seconds_count{function=\"counted-1\"} 2")
                .contains("faas_instances{state=\"warm\"}")
                .contains("faas_instances{state=\"busy\"} 0.0")
                .contains("faas_instances{state=\"prewarmed\"} 0.0")
                .contains("faas_queued_calls 0.0")
                .contains("faas_max_instances 64.0")
                .contains("faas_node_info{node=\"" + SERVER.server().platform().nodeId() + "\"} 1")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void readyz_isReadyWithStoreAndRuntimeUp_andHealthzStaysAsItWas() throws Exception {
        HttpResponse<String> ready = http.get("/readyz");

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"ready\",\"node\":\"" + SERVER.server().platform().nodeId()
                + "\",\"checks\":{\"store\":\"up\",\"runtime\":\"up\"}}");
        assertThat(SERVER.server().platform().nodeId()).matches("n[0-9a-f]{8}")
                .isEqualTo(Files.readString(SERVER.dataDir().resolve("node-id")).strip());
        assertThat(http.get("/healthz").body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void requestId_isEchoedWhenSane_generatedOtherwise_andPutInProblemDocuments() throws Exception {
        String id = register("traced", GREETER);

        HttpResponse<String> echoed = http.send(http.request("/invoke").header("X-Request-Id", "trace-42.a:b_c")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + id + "\"}")));
        HttpResponse<String> replaced = http.send(http.request("/functions/traced")
                .header("X-Request-Id", "not sane; " + "x".repeat(80)).GET());
        HttpResponse<String> tooLong = http.send(http.request("/healthz").header("X-Request-Id", "a".repeat(65)).GET());
        HttpResponse<String> notFound = http.send(http.request("/functions/traced/versions/7")
                .header("X-Request-Id", "lookup-7").GET());
        HttpResponse<String> noRoute = http.get("/no/such/path");
        HttpResponse<String> first = http.get("/healthz");
        HttpResponse<String> second = http.get("/healthz");

        assertThat(echoed.headers().firstValue("X-Request-Id")).contains("trace-42.a:b_c");
        assertThat(echoed.body()).isEqualTo("{\"result\":\"Hello, nobody!\"}");
        assertThat(replaced.headers().firstValue("X-Request-Id")).hasValueSatisfying(
                value -> assertThat(value).matches("[0-9a-f-]{36}"));
        assertThat(tooLong.headers().firstValue("X-Request-Id")).hasValueSatisfying(
                value -> assertThat(value).hasSize(36));
        assertThat(problem(notFound, 404, "urn:faas:problem:function-not-found").get("requestId").asText())
                .isEqualTo("lookup-7");
        assertThat(notFound.headers().firstValue("X-Request-Id")).contains("lookup-7");
        JsonNode noRouteProblem = problem(noRoute, 404, "urn:faas:problem:not-found");
        assertThat(noRouteProblem.get("requestId").asText()).isEqualTo(noRoute.headers().firstValue("X-Request-Id")
                .orElseThrow());
        assertThat(first.headers().firstValue("X-Request-Id")).isNotEqualTo(second.headers().firstValue(
                "X-Request-Id"));
    }

    @Test
    void everyRequest_isLoggedOnOneKeyValueLine_withoutBodiesOrCredentials() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.faas.adapter.jaxrs.RequestLogFilter");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            String id = register("logged", "def user_function(secret):\n    return len(secret)");
            http.send(http.request("/invoke").header("X-Request-Id", "log-1")
                    .header("Authorization", "Bearer s3cr3t-key")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + id
                            + "\",\"params\":{\"secret\":\"hunter2\"}}")));
            http.send(http.request("/functions/logged/versions/1/invoke?logs=true").header("X-Request-Id", "log-2")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"secret\":5}")));
        } finally {
            logger.detachAppender(appender);
        }

        List<ILoggingEvent> events = List.copyOf(appender.list);
        assertThat(events).allSatisfy(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.INFO);
            assertThat(event.getFormattedMessage()).doesNotContain("hunter2").doesNotContain("s3cr3t")
                    .doesNotContain("\n").doesNotContain("logs=true");
        });
        assertThat(messageWith(events, "request_id=log-1")).matches("method=POST path=/invoke status=200 "
                + "ms=\\d+\\.\\d request_id=log-1 function=logged-1 start=(cold|warm|prewarmed)");
        assertThat(messageWith(events, "request_id=log-2")).matches("method=POST "
                + "path=/functions/logged/versions/1/invoke status=422 ms=\\d+\\.\\d request_id=log-2 "
                + "function=logged-1 problem=function-error");
        assertThat(messageWith(events, "path=/register")).matches("method=POST path=/register status=200 "
                + "ms=\\d+\\.\\d request_id=[0-9a-f-]{36}");
    }

    @Test
    void wrongMethodsOnTheNewPaths_get405WithAllow() throws Exception {
        HttpResponse<String> response = http.send(http.request("/functions").PUT(HttpRequest.BodyPublishers.noBody()));

        problem(response, 405, "urn:faas:problem:method-not-allowed");
        assertThat(response.headers().firstValue("Allow")).hasValueSatisfying(
                allow -> assertThat(allow).contains("GET"));
        problem(http.get("/functions/x/invoke"), 405, "urn:faas:problem:method-not-allowed");
    }

    @Test
    void openApiDocument_isServedAsKeptInTheRepository() throws Exception {
        HttpResponse<String> response = http.get("/openapi.json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode served = JSON.readTree(response.body());
        try (InputStream kept = getClass().getResourceAsStream("/openapi.json")) {
            assertThat(served).isEqualTo(JSON.readTree(kept));
        }
        assertThat(served.get("openapi").asText()).startsWith("3.0");
        List<String> paths = new ArrayList<>();
        served.get("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).contains("/register", "/invoke", "/functions", "/functions/{name}",
                "/functions/{name}/versions/{version}", "/functions/{name}/versions/{version}/invoke",
                "/functions/{name}/invoke", "/healthz", "/readyz", "/metrics", "/openapi.json");
    }

    private static String messageWith(List<ILoggingEvent> events, String part) {
        return events.stream().map(ILoggingEvent::getFormattedMessage).filter(message -> message.contains(part))
                .findFirst().orElseThrow(() -> new AssertionError("no log line with " + part + " in " + events));
    }

    private static void assertField(HttpResponse<String> response, String field) throws Exception {
        JsonNode problem = problem(response, 400, "urn:faas:problem:invalid-request");
        assertThat(problem.get("field").asText()).as(response.uri().toString()).isEqualTo(field);
    }

    private static void awaitStopped(Set<String> instances, int expectedLeft) {
        await("instances stopped").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Set<String> left = new HashSet<>(instances);
            left.retainAll(SERVER.server().runtime().running());
            assertThat(left).as("instances still running").hasSize(expectedLeft);
        });
    }

    /** The used heap once a garbage collection asked for now has run (its collectors' counts went up). */
    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long collectionsBefore = collections();
        System.gc();
        await("a collection").atMost(Duration.ofSeconds(10)).until(() -> collections() > collectionsBefore);
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).filter(count -> count > 0).sum();
    }

    static String register(String name, String code) throws IOException {
        HttpResponse<String> response = http.post("/register", body(Map.of("name", name, "code", code)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("result").asText();
    }

    private static String body(Map<String, ?> fields) throws IOException {
        return JSON.writeValueAsString(fields);
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        return JSON.readTree(response.body());
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
