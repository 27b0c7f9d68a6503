package dev.faas.adapter.jaxrs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A server's TLS identity read from PEM files, with the JDK alone: a certificate file (the server's certificate
 * first, then any intermediates) and an unencrypted private key, either PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC
 * or Ed25519) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, as older {@code openssl genrsa} writes it). An SEC1 EC key
 * ({@code BEGIN EC PRIVATE KEY}) and encrypted keys are refused with the command that converts them.
 */
public final class TlsCredentials {

    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final String CONVERT = "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8";
    /** The DER of AlgorithmIdentifier { rsaEncryption, NULL }. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private TlsCredentials() {
    }

    /**
     * An {@link SSLContext} (TLS 1.2 and 1.3, as the JDK offers them) presenting the certificate chain of
     * {@code certificateFile} with the key of {@code keyFile}.
     *
     * @throws InvalidTlsFilesException naming the file and what is wrong with it (unreadable, no PEM block, not a
     *                                  certificate, a key in an unsupported form, a key that does not belong to the
     *                                  certificate); never the key's content
     */
    public static SSLContext sslContext(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(keyFile);
        if (!matches(chain.get(0), key)) {
            throw new InvalidTlsFilesException("the private key in " + keyFile + " does not belong to the first"
                    + " certificate in " + certificateFile);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new InvalidTlsFilesException("cannot use the certificate in " + certificateFile + " with the key in "
                    + keyFile + ": " + e.getMessage());
        }
    }

    static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(file)) {
                if (block.type().equals("CERTIFICATE")) {
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidTlsFilesException(file + " holds a CERTIFICATE block that is not an X.509 certificate: "
                    + e.getMessage());
        }
        if (chain.isEmpty()) {
            throw new InvalidTlsFilesException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    static PrivateKey privateKey(Path file) {
        for (Block block : blocks(file)) {
            switch (block.type()) {
                case "PRIVATE KEY":
                    return pkcs8(file, block.der());
                case "RSA PRIVATE KEY":
                    return pkcs8(file, wrapPkcs1(block.der()));
                case "EC PRIVATE KEY":
                    throw new InvalidTlsFilesException(file + " holds an SEC1 EC key (BEGIN EC PRIVATE KEY), which is"
                            + " not read; " + CONVERT);
                case "ENCRYPTED PRIVATE KEY":
                    throw new InvalidTlsFilesException(file + " holds an encrypted key, which is not read; " + CONVERT);
                default:
                    break;
            }
        }
        throw new InvalidTlsFilesException(file + " holds no PEM private key (-----BEGIN PRIVATE KEY----- or"
                + " -----BEGIN RSA PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException notThisAlgorithm) {
                // try the next one
            }
        }
        throw new InvalidTlsFilesException(file + " holds a PKCS#8 key of an algorithm other than RSA, EC or EdDSA,"
                + " or a damaged one");
    }

    /** PKCS#1 RSAPrivateKey wrapped as PKCS#8: SEQUENCE { INTEGER 0, rsaEncryption, OCTET STRING { key } }. */
    static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        writeLength(body, pkcs1.length);
        body.writeBytes(pkcs1);
        ByteArrayOutputStream sequence = new ByteArrayOutputStream();
        sequence.write(0x30);
        writeLength(sequence, body.size());
        sequence.writeBytes(body.toByteArray());
        return sequence.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
        out.write(0x80 | bytes);
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            out.write((length >>> shift) & 0xff);
        }
    }

    /** Whether {@code key} is the private half of {@code certificate}'s public key, by signing and verifying. */
    private static boolean matches(X509Certificate certificate, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        try {
            byte[] probe = "faas-tls-key-check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            throw new InvalidTlsFilesException(file + " cannot be read: " + e.getClass().getSimpleName());
        }
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = PEM_BLOCK.matcher(text);
        while (matcher.find()) {
            try {
                blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2))));
            } catch (IllegalArgumentException e) {
                throw new InvalidTlsFilesException(file + " holds a " + matcher.group(1) + " block that is not"
                        + " base64");
            }
        }
        return blocks;
    }

    /** The TLS files cannot be used; the message names the file and the problem, never a key. */
    public static final class InvalidTlsFilesException extends RuntimeException {

        InvalidTlsFilesException(String message) {
            super(message);
        }
    }
}
