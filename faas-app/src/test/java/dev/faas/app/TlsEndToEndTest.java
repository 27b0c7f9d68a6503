package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.app.reliability.ServerUnderTest;
import dev.faas.testkit.SelfSignedCertificate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS end to end (issue 13, point 6): the real server started with {@code FAAS_TLS_CERT_FILE} and
 * {@code FAAS_TLS_KEY_FILE} (a certificate generated here by keytool, written as PEM) registers and invokes over
 * HTTPS for a client that trusts that certificate, and plain HTTP on its port gets no answer. Half a TLS
 * configuration, or files that cannot be used, stop the server at start with a message naming the variables.
 */
class TlsEndToEndTest {

    @TempDir
    Path workDirectory;

    @Test
    void givenACertificateAndKey_registerAndInvoke_workOverHttps_andPlainHttpFails() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.rsa(workDirectory, "server");
        try (ServerUnderTest server = startOverTls(certificate.certificateFile(), certificate.keyFile())) {
            HttpClient client = client(certificate.trustingContext());
            String base = "https://127.0.0.1:" + server.port();

            HttpResponse<String> registered = post(client, base + "/register",
                    "{\"name\":\"hello\",\"code\":\"def user_function(name):\\n    return 'Hello, ' + name + '!'\"}");
            HttpResponse<String> invoked = post(client, base + "/invoke",
                    "{\"name\":\"hello-1\",\"params\":{\"name\":\"TLS\"}}");

            assertThat(registered.body()).isEqualTo("{\"result\":\"hello-1\"}");
            assertThat(invoked.body()).isEqualTo("{\"result\":\"Hello, TLS!\"}");
            assertThatThrownBy(() -> post(client(SSLContext.getDefault()), "http://127.0.0.1:" + server.port()
                    + "/invoke", "{\"name\":\"hello-1\",\"params\":{\"name\":\"plain\"}}"))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> post(client(SSLContext.getDefault()), base + "/invoke", "{}"))
                    .as("a client that does not trust the certificate").isInstanceOf(IOException.class);
            assertThat(server.log()).contains("faas listening on https://");
            // Without keys, a page's own origin is the https:// one; the http:// origin of the same host is another.
            assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/functions"))
                    .header("Origin", base).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
            assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/functions"))
                    .header("Origin", "http://127.0.0.1:" + server.port()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void givenAPkcs1Key_theServerStartsToo() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.rsa(workDirectory, "pkcs1");
        try (ServerUnderTest server = startOverTls(certificate.certificateFile(), certificate.writePkcs1Key())) {

            HttpResponse<String> health = client(certificate.trustingContext()).send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void givenOnlyOneTlsVariable_orAnUnusableFile_theServerStopsAtStartSayingWhy() throws Exception {
        Path garbage = Files.writeString(workDirectory.resolve("server.crt"), "not a certificate\n");
        Path key = Files.writeString(workDirectory.resolve("server.key"), "not a key\n");

        try (ServerUnderTest half = ServerUnderTest.launch(workDirectory, Map.of("FAAS_TLS_CERT_FILE", garbage.toString()),
                ServerUnderTest.freePort());
             ServerUnderTest unusable = ServerUnderTest.launch(workDirectory, Map.of(
                     "FAAS_TLS_CERT_FILE", garbage.toString(), "FAAS_TLS_KEY_FILE", key.toString()),
                     ServerUnderTest.freePort())) {

            assertThat(half.awaitExit(60)).isEqualTo(Main.EXIT_CONFIG);
            assertThat(half.log()).contains("FAAS_TLS_CERT_FILE and FAAS_TLS_KEY_FILE go together");
            assertThat(unusable.awaitExit(60)).isEqualTo(Main.EXIT_CONFIG);
            assertThat(unusable.log()).contains("FAAS_TLS_CERT_FILE").contains(garbage.toString())
                    .contains("no PEM certificate");
        }
    }

    private ServerUnderTest startOverTls(Path certificateFile, Path keyFile) throws Exception {
        return ServerUnderTest.start(workDirectory, Map.of("FAAS_PREWARM", "0",
                "FAAS_TLS_CERT_FILE", certificateFile.toString(), "FAAS_TLS_KEY_FILE", keyFile.toString()));
    }

    private static HttpClient client(SSLContext trust) {
        return HttpClient.newBuilder().sslContext(trust).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> post(HttpClient client, String url, String body)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
