package dev.faas.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A stand-in for an npm registry that a test generates: for each package one version, its packument at
 * {@code <name>} and its tarball (a gzipped tar of {@code package/...}, with the integrity npm checks) at
 * {@code tarballs/<name>-<version>.tgz}, laid out in a directory that a static HTTP server serves at
 * {@code baseUrl}, readable by any user: so npm dependency builds are tested without the internet.
 */
public final class TestNpmRegistry {

    private final Path root;
    private final String baseUrl;

    /** An empty registry in {@code root}, to be served at {@code baseUrl} (no trailing slash). */
    public TestNpmRegistry(Path root, String baseUrl) {
        this.root = root;
        this.baseUrl = baseUrl;
        ServedFiles.createDirectories(root, root.resolve("tarballs"));
    }

    /** The directory to serve. */
    public Path root() {
        return root;
    }

    /** Adds the package {@code name} at {@code version} with {@code files} (path to content) and main index.js. */
    public TestNpmRegistry add(String name, String version, Map<String, String> files) {
        return add(name, version, files, "");
    }

    /**
     * Adds a package as {@link #add(String, String, Map)} does whose package.json, in its tarball and in the packument,
     * also holds {@code moreFields} (JSON members, such as {@code "scripts":{...}}, or empty).
     */
    public TestNpmRegistry add(String name, String version, Map<String, String> files, String moreFields) {
        String extra = moreFields.isEmpty() ? "" : "," + moreFields;
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("package/package.json", "{\"name\":\"" + name + "\",\"version\":\"" + version
                + "\",\"main\":\"index.js\"" + extra + "}\n");
        files.forEach((path, content) -> entries.put("package/" + path, content));
        byte[] tarball = gzip(tar(entries));
        String file = name + "-" + version + ".tgz";
        String packument = "{\"name\":\"" + name + "\",\"dist-tags\":{\"latest\":\"" + version + "\"},"
                + "\"versions\":{\"" + version + "\":{\"name\":\"" + name + "\",\"version\":\"" + version
                + "\",\"main\":\"index.js\"" + extra + ",\"dist\":{\"tarball\":\"" + baseUrl + "/tarballs/" + file
                + "\",\"shasum\":\"" + HexFormat.of().formatHex(ServedFiles.digest("SHA-1", tarball))
                + "\",\"integrity\":\"sha512-"
                + Base64.getEncoder().encodeToString(ServedFiles.digest("SHA-512", tarball))
                + "\"}}}}";
        ServedFiles.write(root.resolve("tarballs").resolve(file), tarball);
        ServedFiles.write(root.resolve(name), packument.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** A ustar archive of regular files (mode 0644), as npm's tarballs are. */
    static byte[] tar(Map<String, String> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> file : files.entrySet()) {
            byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
            byte[] header = new byte[512];
            put(header, 0, file.getKey(), 100);
            put(header, 100, "0000644", 8);
            put(header, 108, "0000000", 8);
            put(header, 116, "0000000", 8);
            put(header, 124, String.format("%011o", content.length), 12);
            put(header, 136, String.format("%011o", 0), 12);
            header[156] = '0';
            put(header, 257, "ustar", 6);
            put(header, 263, "00", 2);
            for (int index = 148; index < 156; index++) {
                header[index] = ' ';
            }
            int checksum = 0;
            for (byte value : header) {
                checksum += value & 0xff;
            }
            put(header, 148, String.format("%06o", checksum), 7);
            out.writeBytes(header);
            out.writeBytes(content);
            out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] header, int offset, String text, int length) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > length) {
            throw new IllegalArgumentException("'" + text + "' does not fit a tar header field of " + length);
        }
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
