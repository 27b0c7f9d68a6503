package dev.faas.app;

import static dev.faas.app.SeedApiEndToEndTest.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.testkit.TestArchives;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Code archives over real HTTP with real python3 runners: a multi-module archive whose handler imports its siblings,
 * as JSON (base64) and as a raw application/zip body; the admin gets the archive back with its hash; and every bad
 * archive is refused with its own problem type before anything of it is written anywhere.
 */
class ArchiveEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ARCHIVE_BYTES = 1024 * 1024;
    private static final Map<String, String> TWO_MODULES = new LinkedHashMap<>(Map.of(
            "main.py", "import helper\nfrom pkg import tools\n"
                    + "def user_function(name):\n    return helper.greet(name) + tools.MARK\n",
            "helper.py", "def greet(name):\n    return 'Hello, ' + name\n",
            "pkg/__init__.py", "",
            "pkg/tools.py", "MARK = '!'\n"));

    // The server's own 10 s queue timeout, not the extension's 2 s: a call may wait for the pre-warmed instance.
    @RegisterExtension
    static final ProcessServerExtension SERVER = new ProcessServerExtension().with("FAAS_QUEUE_TIMEOUT", "10s")
            .with("FAAS_PREWARM", "1").with("FAAS_MAX_ARCHIVE_BYTES", Integer.toString(MAX_ARCHIVE_BYTES));

    private static final HttpClientSupport http = SERVER.http();

    @Test
    void twoModuleArchive_asJson_importsItsSiblings_andTheAdminGetsTheArchiveBack() throws Exception {
        byte[] zip = TestArchives.zip(TWO_MODULES);
        String id = json(http.post("/register", "{\"name\":\"multi\",\"archive\":\""
                + Base64.getEncoder().encodeToString(zip) + "\"}"), 200).get("result").asText();

        HttpResponse<String> call = http.post("/functions/multi/invoke", "{\"name\":\"World\"}");
        assertThat(call.body()).isEqualTo("{\"result\":\"Hello, World!\"}");

        JsonNode version = json(http.get("/functions/multi/versions/" + id.substring(id.lastIndexOf('-') + 1)), 200);
        assertThat(version.get("handler").asText()).isEqualTo("main.user_function");
        assertThat(Base64.getDecoder().decode(version.get("archive").asText())).isEqualTo(zip);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zip));
        assertThat(version.get("archiveSha256").asText()).isEqualTo(sha);
        assertThat(version.get("codeSha256").asText()).isEqualTo(sha);
        assertThat(version.has("code")).isFalse();
    }

    @Test
    void rawZipBody_withQueryParameters_registersAVersionWithItsHandlerAndEnv() throws Exception {
        byte[] zip = TestArchives.zip(Map.of("app/handlers.py",
                "import os\ndef handle():\n    return os.environ['MODE']\n", "app/__init__.py", ""));
        HttpResponse<String> registered = http.send(http.request(
                        "/register?name=rawzip&handler=app.handlers.handle&env=MODE%3Dfast&memoryMb=128")
                .header("Content-Type", "application/zip").POST(HttpRequest.BodyPublishers.ofByteArray(zip)));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);

        assertThat(http.post("/functions/rawzip/invoke", "{}").body()).isEqualTo("{\"result\":\"fast\"}");
    }

    @Test
    void everyBadArchive_isRefusedWithItsProblemType() throws Exception {
        refused(Base64.getEncoder().encodeToString("this is not a zip at all".getBytes()), "archive-not-zip");
        refused("%%% not base64 %%%", "archive-not-zip");
        refused(encode(TestArchives.zeros("main.py", MAX_ARCHIVE_BYTES + 1)), "archive-too-large");
        // The bomb lies about its size: the declared size passes, inflating it does not.
        refused(encode(TestArchives.withDeclaredSize(TestArchives.zeros("main.py", 4 * MAX_ARCHIVE_BYTES),
                "main.py", 100)), "archive-too-large");
        refused(encode(TestArchives.zip(Map.of("/etc/cron.d/evil", "x", "main.py", "def user_function(): pass\n"))),
                "archive-unsafe-path");
        refused(encode(TestArchives.zip(Map.of("../../escape.py", "x", "main.py", "def user_function(): pass\n"))),
                "archive-unsafe-path");
        refused(encode(TestArchives.zip(Map.of("a/../../b.py", "x", "main.py", "def user_function(): pass\n"))),
                "archive-unsafe-path");
        refused(encode(TestArchives.withUnixMode(TestArchives.zip(new LinkedHashMap<>(Map.of("main.py",
                "def user_function(): pass\n", "passwd", "/etc/passwd"))), "passwd", 0120777)), "archive-link");
        Map<String, String> many = new LinkedHashMap<>();
        many.put("main.py", "def user_function(): pass\n");
        for (int index = 0; index < 10_000; index++) {
            many.put("f/" + index, "");
        }
        HttpResponse<String> tooMany = http.send(http.request("/register?name=bad")
                .header("Content-Type", "application/zip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestArchives.zip(many))));
        problem(tooMany, 400, "urn:faas:problem:archive-too-many-files");
        refused(encode(TestArchives.zip(Map.of("other.py", "def user_function(): pass\n"))),
                "handler-module-missing");
        // Both code and archive, and an archive handler that is not module.function.
        problem(http.post("/register", "{\"name\":\"bad\",\"code\":\"x\",\"archive\":\"" + encode(
                TestArchives.zip(TWO_MODULES)) + "\"}"), 400, "urn:faas:problem:invalid-request");
        problem(http.post("/register", "{\"name\":\"bad\",\"handler\":\"main\",\"archive\":\"" + encode(
                TestArchives.zip(TWO_MODULES)) + "\"}"), 400, "urn:faas:problem:invalid-request");
        assertThat(http.get("/functions/bad").statusCode()).isEqualTo(404);
    }

    @Test
    void aModuleThatFailsToImport_isInvalidCode() throws Exception {
        JsonNode refused = problem(http.post("/register", "{\"name\":\"broken\",\"archive\":\"" + encode(
                TestArchives.zip(Map.of("main.py", "import helper\ndef user_function(): pass\n", "helper.py",
                        "def oops(:\n")))
                + "\"}"), 400, "urn:faas:problem:invalid-code");
        assertThat(refused.get("error").get("type").asText()).isEqualTo("SyntaxError");
    }

    private static void refused(String archive, String type) throws Exception {
        JsonNode problem = problem(http.post("/register", "{\"name\":\"bad\",\"archive\":\"" + archive + "\"}"),
                400, "urn:faas:problem:" + type);
        assertThat(problem.get("field").asText()).isEqualTo("archive");
    }

    private static String encode(byte[] zip) {
        return Base64.getEncoder().encodeToString(zip);
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }
}
