package dev.faas.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed server certificate for {@code localhost} and 127.0.0.1, made by the JDK's {@code keytool} (always
 * there, unlike {@code openssl}) and written as PEM files: the certificate, and its private key as PKCS#8
 * ({@code BEGIN PRIVATE KEY}) and, for RSA, as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). {@link #trustingContext()}
 * gives a client that trusts exactly this certificate.
 */
public final class SelfSignedCertificate {

    private final Path certificateFile;
    private final Path keyFile;
    private final X509Certificate certificate;
    private final PrivateKey key;

    private SelfSignedCertificate(Path certificateFile, Path keyFile, X509Certificate certificate, PrivateKey key) {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.certificate = certificate;
        this.key = key;
    }

    /** An RSA 2048 certificate in {@code directory}, files named after {@code name}. */
    public static SelfSignedCertificate rsa(Path directory, String name) throws IOException, InterruptedException {
        return generate(directory, name, List.of("-keyalg", "RSA", "-keysize", "2048"));
    }

    /** An EC P-256 certificate in {@code directory}, files named after {@code name}. */
    public static SelfSignedCertificate ec(Path directory, String name) throws IOException, InterruptedException {
        return generate(directory, name, List.of("-keyalg", "EC", "-groupname", "secp256r1"));
    }

    private static SelfSignedCertificate generate(Path directory, String name, List<String> algorithm)
            throws IOException, InterruptedException {
        Path store = directory.resolve(name + ".p12");
        String password = "changeit";
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-dname", "CN=localhost", "-validity", "2",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", password, "-keypass", password));
        command.addAll(algorithm);
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password.toCharArray());
            Key key = keyStore.getKey("server", password.toCharArray());
            X509Certificate certificate = (X509Certificate) keyStore.getCertificate("server");
            Path certificateFile = Files.writeString(directory.resolve(name + ".crt"),
                    pem("CERTIFICATE", certificate.getEncoded()));
            Path keyFile = Files.writeString(directory.resolve(name + ".key"), pem("PRIVATE KEY", key.getEncoded()));
            return new SelfSignedCertificate(certificateFile, keyFile, certificate, (PrivateKey) key);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the keystore keytool wrote", e);
        }
    }

    public Path certificateFile() {
        return certificateFile;
    }

    /** The private key as PKCS#8 PEM. */
    public Path keyFile() {
        return keyFile;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The RSA private key as PKCS#1 PEM ({@code BEGIN RSA PRIVATE KEY}), written next to {@link #keyFile()}. */
    public Path writePkcs1Key() throws IOException {
        return Files.writeString(keyFile.resolveSibling(keyFile.getFileName() + ".rsa"),
                pem("RSA PRIVATE KEY", innerKey(key.getEncoded())));
    }

    /** A client TLS context that trusts this certificate and no other. */
    public SSLContext trustingContext() throws GeneralSecurityException, IOException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /**
     * The privateKey OCTET STRING of a PKCS#8 PrivateKeyInfo (SEQUENCE { INTEGER, AlgorithmIdentifier, OCTET STRING
     * }): for RSA, the PKCS#1 key.
     */
    private static byte[] innerKey(byte[] pkcs8) {
        int[] at = {0};
        readHeader(pkcs8, at, 0x30);
        int versionLength = readHeader(pkcs8, at, 0x02);
        at[0] += versionLength;
        int algorithmLength = readHeader(pkcs8, at, 0x30);
        at[0] += algorithmLength;
        int keyLength = readHeader(pkcs8, at, 0x04);
        return Arrays.copyOfRange(pkcs8, at[0], at[0] + keyLength);
    }

    private static int readHeader(byte[] der, int[] at, int expectedTag) {
        if ((der[at[0]++] & 0xff) != expectedTag) {
            throw new IllegalArgumentException("unexpected DER tag");
        }
        int first = der[at[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = (length << 8) | (der[at[0]++] & 0xff);
        }
        return length;
    }
}
