package dev.faas.adapter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.testkit.SelfSignedCertificate;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM certificates and keys read with the JDK alone, and the HTTPS server they make. */
class TlsCredentialsTest {

    @TempDir
    java.nio.file.Path directory;

    private FaasHttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Path("/hello")
    public static final class Hello {

        @GET
        public String hello() {
            return "hello";
        }
    }

    @Test
    void givenAPkcs8RsaKey_theServerSpeaksHttpsOnly() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.rsa(directory, "rsa");

        serve(TlsCredentials.sslContext(certificate.certificateFile(), certificate.keyFile()));

        HttpResponse<String> response = get("https", certificate.trustingContext());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");
        assertThatThrownBy(() -> get("http", SSLContext.getDefault())).isInstanceOf(IOException.class);
    }

    @Test
    void givenAPkcs1RsaKeyOrAPkcs8EcKey_theyAreReadToo() throws Exception {
        SelfSignedCertificate rsa = SelfSignedCertificate.rsa(directory, "rsa1");
        SelfSignedCertificate ec = SelfSignedCertificate.ec(directory, "ec");

        assertThat(Files.readString(rsa.writePkcs1Key())).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(TlsCredentials.sslContext(rsa.certificateFile(), rsa.writePkcs1Key())).isNotNull();
        serve(TlsCredentials.sslContext(ec.certificateFile(), ec.keyFile()));
        assertThat(get("https", ec.trustingContext()).statusCode()).isEqualTo(200);
    }

    @Test
    void givenUnusableFiles_theErrorNamesTheFileAndTheProblem_neverTheKey() throws Exception {
        SelfSignedCertificate one = SelfSignedCertificate.rsa(directory, "one");
        SelfSignedCertificate other = SelfSignedCertificate.rsa(directory, "other");
        String keyText = Files.readString(one.keyFile());
        java.nio.file.Path sec1 = Files.writeString(directory.resolve("ec.key"),
                "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n");
        java.nio.file.Path encrypted = Files.writeString(directory.resolve("enc.key"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMHcCAQEEIA==\n-----END ENCRYPTED PRIVATE KEY-----\n");
        java.nio.file.Path garbage = Files.writeString(directory.resolve("garbage.pem"), "not a PEM file\n");

        assertThatThrownBy(() -> TlsCredentials.sslContext(one.certificateFile(), other.keyFile()))
                .isInstanceOf(TlsCredentials.InvalidTlsFilesException.class).hasMessageContaining("does not belong")
                .hasMessageNotContaining(keyText.substring(40, 80));
        assertThatThrownBy(() -> TlsCredentials.sslContext(one.certificateFile(), sec1))
                .hasMessageContaining("SEC1").hasMessageContaining("openssl pkcs8 -topk8");
        assertThatThrownBy(() -> TlsCredentials.sslContext(one.certificateFile(), encrypted))
                .hasMessageContaining("encrypted");
        assertThatThrownBy(() -> TlsCredentials.sslContext(garbage, one.keyFile()))
                .hasMessageContaining(garbage.toString()).hasMessageContaining("no PEM certificate");
        assertThatThrownBy(() -> TlsCredentials.sslContext(one.certificateFile(), garbage))
                .hasMessageContaining("no PEM private key");
        assertThatThrownBy(() -> TlsCredentials.sslContext(directory.resolve("missing.crt"), one.keyFile()))
                .hasMessageContaining("missing.crt").hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> TlsCredentials.sslContext(one.keyFile(), one.keyFile()))
                .hasMessageContaining("no PEM certificate");
    }

    private void serve(SSLContext tls) {
        server = FaasHttpServer.start("127.0.0.1", 0, 4, Duration.ZERO, new ResourceConfig(Hello.class), tls);
    }

    private HttpResponse<String> get(String scheme, SSLContext trust) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + server.port() + "/hello"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
