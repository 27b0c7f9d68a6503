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
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A PEP 503 "simple" package index of small pure-Python wheels that a test generates, laid out in a directory a
 * static HTTP server can serve ({@code simple/<project>/index.html}, {@code packages/<wheel>}), readable by any user:
 * so dependency builds are tested without the internet.
 */
public final class TestPackageIndex {

    private final Path root;

    /** An empty index in {@code root}, created world-readable. */
    public TestPackageIndex(Path root) {
        this.root = root;
        ServedFiles.createDirectories(root, root.resolve("simple"), root.resolve("packages"));
    }

    public Path root() {
        return root;
    }

    /** Adds the wheel {@code project-version-py3-none-any.whl} holding {@code files} (path to Python source). */
    public TestPackageIndex add(String project, String version, Map<String, String> files) {
        String wheelName = project + "-" + version + "-py3-none-any.whl";
        byte[] wheel = wheel(project, version, files);
        ServedFiles.write(root.resolve("packages").resolve(wheelName), wheel);
        Path projectDirectory = root.resolve("simple").resolve(project);
        ServedFiles.createDirectories(projectDirectory);
        String page = "<!DOCTYPE html>\n<html><body>\n<a href=\"../../packages/" + wheelName + "#sha256="
                + HexFormat.of().formatHex(sha256(wheel)) + "\">" + wheelName + "</a>\n</body></html>\n";
        ServedFiles.write(projectDirectory.resolve("index.html"), page.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    private static byte[] wheel(String project, String version, Map<String, String> files) {
        String distInfo = project + "-" + version + ".dist-info/";
        Map<String, byte[]> entries = new LinkedHashMap<>();
        files.forEach((path, text) -> entries.put(path, text.getBytes(StandardCharsets.UTF_8)));
        entries.put(distInfo + "METADATA", ("Metadata-Version: 2.1\nName: " + project + "\nVersion: " + version
                + "\n").getBytes(StandardCharsets.UTF_8));
        entries.put(distInfo + "WHEEL", "Wheel-Version: 1.0\nGenerator: faas-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
                .getBytes(StandardCharsets.UTF_8));
        StringBuilder record = new StringBuilder();
        entries.forEach((path, content) -> record.append(path).append(",sha256=")
                .append(Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(content))).append(',')
                .append(content.length).append('\n'));
        record.append(distInfo).append("RECORD,,\n");
        entries.put(distInfo + "RECORD", record.toString().getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] sha256(byte[] content) {
        return ServedFiles.digest("SHA-256", content);
    }
}
