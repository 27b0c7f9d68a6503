package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.app.FaasConfig;
import dev.faas.app.FaasServer;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.testkit.FakeFunctionRuntime;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The Docker engine's error text and host paths never reach an API answer (issue 13, point 7): when no instance
 * can start, the caller gets a generic 503 naming the request id, and the operator's log has the full reason under
 * that id. A scripted runtime fails the way the Docker runtime does, with an engine message and a socket directory.
 */
class PlatformErrorLeakTest {

    private static final String SOCKET_DIRECTORY = "/var/lib/faas-secret-host/sockets/i-4f2a";
    private static final String ENGINE_TEXT = "Status 500: {\"message\":\"error while creating mount source path"
            + " '/var/lib/faas-secret-host/sockets/i-4f2a': mkdir: permission denied\"}";
    private static final String CODE = "def user_function():\n    return 1\n";

    private final FakeFunctionRuntime runtime = new FakeFunctionRuntime();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger mapperLogger =
            (Logger) LoggerFactory.getLogger("dev.faas.adapter.jaxrs.ProblemTable");
    private FaasServer server;
    private Api api;

    @TempDir
    Path dataDirectory;

    @BeforeEach
    void start() {
        log.start();
        mapperLogger.addAppender(log);
        server = FaasServer.start(FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "FAAS_PREWARM", "0",
                        "FAAS_DATA_DIR", dataDirectory.toString())),
                new InMemoryFunctionRepository(), runtime);
        api = new Api(server.port());
    }

    @AfterEach
    void stop() {
        mapperLogger.detachAppender(log);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void givenTheEngineRefusesToStartAnInstance_theAnswerIsGeneric_andTheLogHasTheReasonUnderTheRequestId() {
        String id = api.register("leak", CODE);
        runtime.failNextStart(new UnableToStartInstanceException("cannot create the socket directory "
                + SOCKET_DIRECTORY + ": " + ENGINE_TEXT, ""));

        Api.Reply reply = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/invoke"))
                .header("X-Request-Id", "leak-check-1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + id + "\"}")));

        JsonNode problem = reply.problem(503, "unable-to-start");
        assertThat(reply.body()).doesNotContain("/var/lib").doesNotContain("faas-secret-host")
                .doesNotContain("Status 500").doesNotContain("permission denied").doesNotContain("socket directory");
        assertThat(problem.path("requestId").asText()).isEqualTo("leak-check-1");
        assertThat(problem.path("detail").asText()).contains("leak-check-1");
        assertThat(log.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
                .contains("request_id=leak-check-1").contains(SOCKET_DIRECTORY).contains(ENGINE_TEXT));
    }

    @Test
    void givenNoInstanceStartsForTheRegisterCheck_theAnswerIsGenericToo() {
        runtime.failNextStart(new UnableToStartInstanceException(ENGINE_TEXT, ""));

        Api.Reply reply = api.tryRegister("leak", CODE, Map.of());

        JsonNode problem = reply.problem(503, "unable-to-start");
        assertThat(reply.body()).doesNotContain("/var/lib").doesNotContain("permission denied");
        assertThat(problem.path("detail").asText()).contains(problem.path("requestId").asText());
        assertThat(log.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
                .contains("request_id=" + problem.path("requestId").asText()).contains(ENGINE_TEXT));
    }
}
