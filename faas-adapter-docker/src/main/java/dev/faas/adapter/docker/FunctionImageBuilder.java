package dev.faas.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.BuildResponseItem;
import dev.faas.nodejs.NodeRunner;
import dev.faas.ports.model.VersionOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a missing function image from the Dockerfile and runner bundled in the jars (python-base, nodejs-base),
 * through the engine's build API, so that a newcomer with Docker needs no script before {@code java -jar}. The base
 * is the offline one the image scripts make ({@code faas-base:bookworm}, {@code faas-base-nodejs:bookworm-npm}) when the
 * engine holds it; else, for Python, the public {@code python:3.12-slim}, which the engine pulls where a registry is
 * reachable. Node.js has no public base with both node and python3 (which installs the sandbox's seccomp filter), so
 * without the offline base its build is left to {@code nodejs-base/build-image.sh}. Progress goes to the log.
 */
public final class FunctionImageBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(FunctionImageBuilder.class);
    private static final long BUILD_MINUTES = 15;

    /** What one runtime's image is built from: the bundled files, the offline base and the public fallback. */
    public record Recipe(String runtime, Map<String, String> files, String offlineBase, String publicBase,
                         String offlineCommand) {

        public Recipe {
            files = Map.copyOf(files);
        }
    }

    /** Python's image: python-base's Dockerfile and runner. */
    public static final Recipe PYTHON = new Recipe(VersionOptions.DEFAULT_RUNTIME,
            orderedFiles("dev/faas/python/Dockerfile", "Dockerfile",
                    "dev/faas/python/faas_runner.py", "src/main/python/faas_runner.py"),
            "faas-base:bookworm", "python:3.12-slim", "python-base/build-image.sh --offline");

    /** Node.js's image: nodejs-base's Dockerfile and runner. */
    public static final Recipe NODEJS = new Recipe(NodeRunner.RUNTIME,
            orderedFiles("dev/faas/nodejs/Dockerfile", "Dockerfile",
                    NodeRunner.RESOURCE, "src/main/node/faas_runner.js"),
            "faas-base-nodejs:bookworm-npm", null, "nodejs-base/build-image.sh");

    private final DockerClient docker;

    public FunctionImageBuilder(DockerClient docker) {
        this.docker = Objects.requireNonNull(docker, "docker");
    }

    /**
     * Builds {@code tag} from {@code recipe} unless the engine holds it already.
     *
     * @throws ImageBuildException saying why and which command builds it offline
     */
    public void ensure(Recipe recipe, String tag) {
        if (DockerFunctionRuntime.imageAvailable(docker, tag)) {
            return;
        }
        String base;
        if (DockerFunctionRuntime.imageAvailable(docker, recipe.offlineBase())) {
            base = recipe.offlineBase();
        } else if (recipe.publicBase() != null) {
            base = recipe.publicBase();
        } else {
            throw new ImageBuildException("the " + recipe.runtime() + " function image '" + tag + "' is missing and"
                    + " so is its offline base '" + recipe.offlineBase() + "'; build it with " + recipe.offlineCommand());
        }
        LOG.info("the {} function image {} is missing: building it from the bundled Dockerfile on {}",
                recipe.runtime(), tag, base);
        long startNanos = System.nanoTime();
        try (InputStream context = new ByteArrayInputStream(tar(recipe.files()))) {
            BuildImageResultCallback callback = docker.buildImageCmd(context)
                    .withTags(Set.of(tag))
                    .withBuildArg("BASE_IMAGE", base)
                    .withPull(false)
                    .exec(new BuildImageResultCallback() {
                        @Override
                        public void onNext(BuildResponseItem item) {
                            if (item.getStream() != null && !item.getStream().isBlank()) {
                                LOG.info("[build {}] {}", tag, item.getStream().strip());
                            }
                            super.onNext(item);
                        }
                    });
            callback.awaitImageId(BUILD_MINUTES, TimeUnit.MINUTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new ImageBuildException("the " + recipe.runtime() + " function image '" + tag + "' is missing and"
                    + " could not be built on " + base + " (" + e.getMessage() + "); build it offline with "
                    + recipe.offlineCommand() + (tag.equals(defaultTag(recipe)) ? "" : " --tag " + tag), e);
        }
        LOG.info("built the {} function image {} in {} s", recipe.runtime(), tag,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos));
    }

    private static String defaultTag(Recipe recipe) {
        return recipe == NODEJS ? NodeRunner.DEFAULT_IMAGE : DockerRuntimeSettings.DEFAULT_IMAGE;
    }

    /** A function image could not be built; the message says which command builds it offline. */
    public static final class ImageBuildException extends RuntimeException {

        ImageBuildException(String message) {
            super(message);
        }

        ImageBuildException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static Map<String, String> orderedFiles(String... resourceThenPath) {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < resourceThenPath.length; i += 2) {
            files.put(resourceThenPath[i], resourceThenPath[i + 1]);
        }
        return files;
    }

    /**
     * A tar of the classpath resources (keys) at their paths in the build context (values), owned by root and
     * world-readable, as the image scripts pack them.
     */
    static byte[] tar(Map<String, String> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> file : files.entrySet()) {
            byte[] content;
            try (InputStream in = FunctionImageBuilder.class.getClassLoader().getResourceAsStream(file.getKey())) {
                if (in == null) {
                    throw new IllegalStateException(file.getKey() + " is missing from the classpath");
                }
                content = in.readAllBytes();
            }
            out.write(header(file.getValue(), content.length));
            out.write(content);
            out.write(new byte[(512 - content.length % 512) % 512]);
        }
        out.write(new byte[1024]);
        return out.toByteArray();
    }

    private static byte[] header(String name, long size) {
        byte[] header = new byte[512];
        put(header, 0, name, 100);
        put(header, 100, "0000644", 8);
        put(header, 108, "0000000", 8);
        put(header, 116, "0000000", 8);
        put(header, 124, String.format("%011o", size), 12);
        put(header, 136, String.format("%011o", 0L), 12);
        header[156] = '0';
        put(header, 257, "ustar", 6);
        put(header, 263, "00", 2);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long checksum = 0;
        for (byte b : header) {
            checksum += b & 0xFF;
        }
        put(header, 148, String.format("%06o", checksum), 7);
        header[155] = ' ';
        return header;
    }

    private static void put(byte[] header, int offset, String value, int length) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > length) {
            throw new IllegalArgumentException(value + " does not fit a tar header field of " + length + " bytes");
        }
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }
}
