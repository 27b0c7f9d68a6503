package dev.faas.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.WaitResponse;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.RequirementsFailedException;
import dev.faas.ports.model.VersionOptions;
import dev.faas.ports.out.DependencyBuilder;
import dev.faas.python.PrivateDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds dependency layers in a build container of the version's function image: for Python with pip, for Node.js
 * ({@code nodejs}) with npm (Debian's, in the nodejs image), {@code npm install --omit=dev --ignore-scripts} of a
 * package.json from {@code FAAS_NPM_REGISTRY} into the layer's {@code node_modules}. For Python: {@code pip install --target} into a
 * directory of this host, from the configured index, the build container alone joining the configured network (the
 * instances never have one). A layer is kept under the cache root by the SHA-256 of the image, the index settings and
 * the requirements text, so each distinct text is built once per node and image; concurrent asks for the same text
 * wait for one build. A build that fails or passes its time limit leaves nothing behind and reports the tail of pip's
 * output. The {@link DockerClient} is the caller's. Thread-safe.
 */
public final class DockerDependencyBuilder implements DependencyBuilder {

    /** The label marking build containers, besides the platform's managed and node labels. */
    public static final String LABEL_BUILD = "faas.build";
    private static final Logger LOG = LoggerFactory.getLogger(DockerDependencyBuilder.class);
    private static final String COMPLETE = ".faas-layer";
    private static final int OUTPUT_TAIL_CHARS = 4000;

    private final DockerClient docker;
    private final DockerRuntimeSettings runtime;
    private final DependencySettings settings;
    private final Map<String, CompletableFuture<Layer>> building = new ConcurrentHashMap<>();
    private final AtomicInteger builds = new AtomicInteger();
    /** Layers this process has seen built, by runtime and text: an instance start then costs no engine call. */
    private final Map<String, Layer> known = new ConcurrentHashMap<>();
    private final Map<String, String> imageIds = new ConcurrentHashMap<>();

    public DockerDependencyBuilder(DockerClient docker, DockerRuntimeSettings runtime, DependencySettings settings) {
        this.docker = docker;
        this.runtime = runtime;
        this.settings = settings;
        try {
            Files.createDirectories(settings.cacheRoot());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the dependency cache " + settings.cacheRoot(), e);
        }
    }

    /** How many layers this builder has built (not found cached) since it was made. */
    public int builds() {
        return builds.get();
    }

    @Override
    public Layer layer(String requirements) {
        return layer(VersionOptions.DEFAULT_RUNTIME, requirements);
    }

    @Override
    public Layer layer(String runtimeName, String requirements) {
        long startNanos = System.nanoTime();
        String language = runtime.languageOf(runtimeName);
        if (language == null) {
            return DependencyBuilder.super.layer(runtimeName, requirements);
        }
        boolean node = DockerRuntimeSettings.JAVASCRIPT.equals(language);
        if (node && settings.npmRegistry() == null) {
            throw new InvalidRequestException("requirements", "this node installs no Node.js dependencies: start it"
                    + " with FAAS_NPM_REGISTRY set to an npm registry's URL (or bundle node_modules in the archive)");
        }
        String image = runtime.imageOf(runtimeName);
        String key = runtimeName + "\0" + requirements;
        Layer seen = known.get(key);
        if (seen != null && Files.exists(seen.directory().resolve(COMPLETE))) {
            return new Layer(seen.hash(), seen.directory(), false, Duration.ofNanos(System.nanoTime() - startNanos));
        }
        Layer layer = find(node, image, requirements, startNanos);
        known.put(key, layer);
        return layer;
    }

    private Layer find(boolean node, String image, String requirements, long startNanos) {
        String hash = hash(node, image, requirements);
        Path directory = settings.cacheRoot().resolve(hash);
        if (Files.exists(directory.resolve(COMPLETE))) {
            return new Layer(hash, directory, false, Duration.ofNanos(System.nanoTime() - startNanos));
        }
        CompletableFuture<Layer> mine = new CompletableFuture<>();
        CompletableFuture<Layer> running = building.putIfAbsent(hash, mine);
        if (running != null) {
            Layer built = await(running);
            return new Layer(hash, built.directory(), false, Duration.ofNanos(System.nanoTime() - startNanos));
        }
        try {
            if (!Files.exists(directory.resolve(COMPLETE))) {
                build(node, image, requirements, hash, directory);
                builds.incrementAndGet();
            }
            Layer layer = new Layer(hash, directory, true, Duration.ofNanos(System.nanoTime() - startNanos));
            mine.complete(layer);
            LOG.info("built the dependency layer {} in {} ms", hash.substring(0, 12), layer.took().toMillis());
            return layer;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            building.remove(hash, mine);
        }
    }

    private static Layer await(CompletableFuture<Layer> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private void build(boolean node, String image, String requirements, String hash, Path directory) {
        Path work;
        try {
            work = Files.createTempDirectory(settings.cacheRoot(), ".build-" + hash.substring(0, 12) + "-");
            Path input = Files.createDirectory(work.resolve("in"));
            Path output = Files.createDirectory(work.resolve("out"));
            // npm installs next to the package.json it reads: that one goes in the output, pip's file in the input.
            Path manifest = node ? output.resolve("package.json") : input.resolve("requirements.txt");
            Files.writeString(manifest, requirements, StandardCharsets.UTF_8);
            // The build runs as this user, so what it writes is ours to move and delete; others only read it.
            for (Path path : List.of(work, input, output)) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.setPosixFilePermissions(manifest, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a dependency build in " + settings.cacheRoot(), e);
        }
        try {
            if (node) {
                runNpm(image, work, hash);
            } else {
                runPip(image, work, hash);
            }
            Files.writeString(work.resolve("out").resolve(COMPLETE), hash + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(work.resolve("out"), directory, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException raced) {
                // Another node process sharing the cache built it meanwhile: its layer is as good.
                if (!Files.exists(directory.resolve(COMPLETE))) {
                    throw raced;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the dependency layer " + directory, e);
        } finally {
            PrivateDirectory.deleteRecursively(work);
        }
    }

    private void runNpm(String image, Path work, String hash) {
        List<String> command = List.of("install", "--prefix", "/out", "--omit=dev", "--ignore-scripts",
                "--no-audit", "--no-fund", "--no-package-lock", "--no-update-notifier", "--registry",
                settings.npmRegistry());
        run(image, "npm", command, List.of("HOME=/tmp", "npm_config_cache=/tmp/npm-cache",
                "NO_COLOR=1"), settings.npmNetwork(), work, hash, "npm");
    }

    private void runPip(String image, Path work, String hash) {
        List<String> command = new ArrayList<>(List.of("-m", "pip", "install", "--no-cache-dir",
                "--disable-pip-version-check", "--no-input", "--no-warn-script-location", "--target", "/out",
                "--requirement", "/in/requirements.txt", "--index-url", settings.indexUrl()));
        if (settings.trustedHost() != null) {
            command.addAll(List.of("--trusted-host", settings.trustedHost()));
        }
        command.addAll(settings.extraArgs());
        run(image, "python3", command, List.of("HOME=/tmp", "PIP_NO_COLOR=1", "PYTHONDONTWRITEBYTECODE=1"),
                settings.network(), work, hash, "pip");
    }

    /** Runs {@code tool} in a build container of {@code image} on {@code network}; fails with its output's tail. */
    private void run(String image, String entrypoint, List<String> command, List<String> environment,
                     String network, Path work, String hash, String tool) {
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(network)
                .withReadonlyRootfs(true)
                .withTmpFs(Map.of("/tmp", "rw,nosuid,nodev,size=" + (512L * 1024 * 1024) + ",mode=1777"))
                .withBinds(new Bind(work.resolve("in").toString(), new Volume("/in"), AccessMode.ro),
                        new Bind(work.resolve("out").toString(), new Volume("/out"), AccessMode.rw))
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withPidsLimit(256L)
                .withMemory(1024L * 1024 * 1024)
                .withMemorySwap(1024L * 1024 * 1024);
        String containerId = docker.createContainerCmd(image)
                .withName("faas-build-" + runtime.nodeId() + "-" + hash.substring(0, 12) + "-"
                        + Long.toHexString(System.nanoTime() & 0xffffff))
                .withLabels(Map.of(DockerFunctionRuntime.LABEL_MANAGED, "true", DockerFunctionRuntime.LABEL_NODE,
                        runtime.nodeId(), DockerFunctionRuntime.LABEL_FUNCTION, "build", LABEL_BUILD, hash))
                .withEntrypoint(entrypoint)
                .withCmd(command)
                .withUser(PrivateDirectory.currentUid() + ":" + currentGid())
                .withEnv(environment)
                .withHostConfig(host)
                .exec()
                .getId();
        ContainerPostMortem postMortem = new ContainerPostMortem(docker);
        try {
            docker.startContainerCmd(containerId).exec();
            Integer status = waitFor(containerId);
            if (status == null) {
                docker.killContainerCmd(containerId).exec();
                throw new RequirementsFailedException("installing the requirements took longer than "
                        + settings.timeout().toSeconds() + " s, the build's time limit",
                        tail(postMortem.logTail(containerId)));
            }
            if (status != 0) {
                String output = tail(postMortem.logTail(containerId));
                throw new RequirementsFailedException(tool + " could not install the requirements (exit status "
                        + status + "): " + lastLine(output), output);
            }
        } finally {
            LeftoverSweep.remove(docker, containerId);
        }
    }

    private Integer waitFor(String containerId) {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        ResultCallback.Adapter<WaitResponse> watcher = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(WaitResponse response) {
                exit.complete(response.getStatusCode());
            }

            @Override
            public void onError(Throwable failure) {
                exit.completeExceptionally(failure);
            }
        };
        try (watcher) {
            docker.waitContainerCmd(containerId).exec(watcher);
            return exit.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException | IOException e) {
            throw new RequirementsFailedException("the dependency build failed: " + e.getMessage(), "");
        }
    }

    private String hash(boolean node, String image, String requirements) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<String> parts = node
                    ? List.of("nodejs", imageId(image), settings.npmRegistry(), requirements)
                    : List.of(imageId(image), settings.indexUrl(), String.valueOf(settings.trustedHost()),
                    String.join(" ", settings.extraArgs()), requirements);
            for (String part : parts) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * The image's id, so a rebuilt image gets fresh layers (asked of the engine once per process: a node restarted
     * after an image rebuild builds anew); its name when the engine does not say.
     */
    private String imageId(String image) {
        String id = imageIds.get(image);
        if (id == null) {
            try {
                id = docker.inspectImageCmd(image).exec().getId();
            } catch (RuntimeException e) {
                return image;
            }
            imageIds.put(image, id);
        }
        return id;
    }

    private static String tail(String output) {
        return output.length() <= OUTPUT_TAIL_CHARS ? output : output.substring(output.length() - OUTPUT_TAIL_CHARS);
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        for (int index = lines.length - 1; index >= 0; index--) {
            if (lines[index].startsWith("ERROR")) {
                return lines[index].strip();
            }
        }
        for (String line : lines) {
            // npm's first error lines say what failed (its code, then the package); its last, where its log is.
            if (line.startsWith("npm ERR!") && !line.startsWith("npm ERR! code")) {
                return line.strip();
            }
        }
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }

    private static long currentGid() {
        return new com.sun.security.auth.module.UnixSystem().getGid();
    }
}
