package dev.faas.junit;

import com.github.dockerjava.api.DockerClient;
import dev.faas.adapter.docker.DockerClients;
import dev.faas.adapter.docker.DockerFunctionRuntime;
import dev.faas.adapter.docker.DockerRuntimeSettings;
import dev.faas.platform.FaasPlatform;
import dev.faas.platform.FaasHttpEndpoint;
import dev.faas.nodejs.NodeRunner;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.RequestedLimits;
import dev.faas.ports.model.VersionOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a FaaS platform for a test class, registers its functions, and stops every instance after the class, even
 * when tests fail. Use it as a static {@code @RegisterExtension} field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static FaasExtension faas = FaasExtension.builder()
 *         .function("hello", "def user_function(name):\n    return 'Hello, ' + name\n")
 *         .http()
 *         .build();
 *
 * @Test
 * void greets(FaasPlatform platform, @FaasBaseUrl URI baseUrl) { ... }
 * }</pre>
 *
 * Test methods may take the {@link FaasPlatform}, and with {@link Builder#http()} a {@code URI} annotated
 * {@link FaasBaseUrl}. Functions run as local python3 processes unless {@link Builder#docker()} is asked for.
 *
 * <p>Before the first test, each registered function gets an instance with its code loaded (its import-time code
 * runs, its handler does not), and the HTTP API answers one request, so a test's first call is a warm one. Works
 * with JUnit 5.11 and later, JUnit 6 included.
 */
public final class FaasExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback,
        ParameterResolver {

    private static final String NOT_STATIC = "FaasExtension was not started for the test class: declare its"
            + " @RegisterExtension field static (static FaasExtension faas = FaasExtension.builder()...build();)."
            + " JUnit registers an instance field for each test, after the class has started, so the platform"
            + " would never start.";

    private final Map<String, Source> functions;
    private final Map<String, Map.Entry<Path, String>> directories;
    private final boolean http;
    private final boolean docker;
    private final int prewarm;
    private FaasPlatform platform;
    private FaasHttpEndpoint endpoint;
    private final Map<String, FunctionId> ids = new LinkedHashMap<>();

    private FaasExtension(Builder builder) {
        this.functions = Map.copyOf(builder.functions);
        this.directories = Map.copyOf(builder.directories);
        this.http = builder.http;
        this.docker = builder.docker;
        this.prewarm = builder.prewarm;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        FaasPlatform.Builder platformBuilder = FaasPlatform.builder().prewarm(prewarm);
        if (docker) {
            useDocker(platformBuilder);
        }
        platform = platformBuilder.build();
        try {
            functions.forEach((name, source) -> ids.put(name, platform.register(name, source.code(), null,
                    RequestedLimits.DEFAULTS, source.runtime())));
            directories.forEach((name, source) -> ids.put(name, platform.registerDirectory(name, source.getKey(),
                    source.getValue(), null, dev.faas.ports.model.VersionOptions.DEFAULT)));
            ids.values().forEach(platform::warm);
            if (http) {
                endpoint = FaasHttpEndpoint.start(platform, "127.0.0.1", 0);
                warmHttp(endpoint.baseUrl());
            }
        } catch (RuntimeException e) {
            afterAll(context);
            throw e;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (platform == null) {
            throw new ExtensionConfigurationException(NOT_STATIC);
        }
    }

    /**
     * One request through the whole HTTP stack (parsing, the invoke use case, the problem mapper) for a version that
     * does not exist, so neither the server nor this JVM's HTTP client pays its first-request costs in a test.
     */
    private static void warmHttp(URI baseUrl) {
        try {
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
                    HttpRequest.newBuilder(baseUrl.resolve("/invoke")).timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"name\":\"faas-harness-warm-up-1\",\"params\":{}}"))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new UncheckedIOException("the harness's HTTP API did not answer its warm-up request", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while warming the HTTP API", e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (endpoint != null) {
            endpoint.close();
            endpoint = null;
        }
        if (platform != null) {
            platform.close();
            platform = null;
        }
        ids.clear();
    }

    /** The running platform; only between the class's start and end. */
    public FaasPlatform platform() {
        if (platform == null) {
            throw new IllegalStateException("the platform runs only while the test class runs. " + NOT_STATIC);
        }
        return platform;
    }

    /** The id the function registered under {@code name} got. */
    public FunctionId id(String name) {
        if (platform == null) {
            throw new IllegalStateException(NOT_STATIC);
        }
        FunctionId id = ids.get(name);
        if (id == null) {
            throw new IllegalArgumentException("no function '" + name + "' was registered by this extension");
        }
        return id;
    }

    /** The HTTP API's base URL, such as {@code http://127.0.0.1:43117}; needs {@link Builder#http()}. */
    public URI baseUrl() {
        if (platform == null) {
            throw new IllegalStateException(NOT_STATIC);
        }
        if (endpoint == null) {
            throw new IllegalStateException("the HTTP API is off: build the extension with .http()");
        }
        return endpoint.baseUrl();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == FaasPlatform.class || (type == URI.class && parameter.isAnnotated(FaasBaseUrl.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (platform == null) {
            throw new ParameterResolutionException(NOT_STATIC);
        }
        if (parameter.getParameter().getType() == FaasPlatform.class) {
            return platform;
        }
        if (endpoint == null) {
            throw new ParameterResolutionException("@FaasBaseUrl needs the HTTP API: build the extension with .http()");
        }
        return endpoint.baseUrl();
    }

    private static void useDocker(FaasPlatform.Builder builder) {
        DockerClient client = DockerClients.create();
        if (!DockerClients.engineAvailable(client)) {
            closeQuietly(client);
            throw new ExtensionConfigurationException("FaasExtension.docker() needs a running Docker engine");
        }
        try {
            String node = "junit" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
            Path sockets = Files.createTempDirectory("faas-junit");
            DockerRuntimeSettings settings = DockerRuntimeSettings.defaults(node, sockets);
            if (DockerFunctionRuntime.imageAvailable(client, NodeRunner.DEFAULT_IMAGE)) {
                settings = settings.withNodeImage(NodeRunner.DEFAULT_IMAGE);
            }
            DockerFunctionRuntime runtime = new DockerFunctionRuntime(client, settings);
            if (!runtime.imageAvailable()) {
                closeQuietly(client);
                throw new ExtensionConfigurationException(
                        DockerFunctionRuntime.missingImageMessage(DockerRuntimeSettings.DEFAULT_IMAGE));
            }
            builder.runtime(runtime).alsoClose(client);
        } catch (IOException e) {
            closeQuietly(client);
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // nothing more to do
        }
    }

    /** Chooses what the extension registers and how the platform runs. */
    public static final class Builder {

        private final Map<String, Source> functions = new LinkedHashMap<>();
        private final Map<String, Map.Entry<Path, String>> directories = new LinkedHashMap<>();
        private boolean http;
        private boolean docker;
        private int prewarm = 1;

        private Builder() {
        }

        /** Registers {@code code} under {@code name} before the first test. */
        public Builder function(String name, String code) {
            return function(name, code, VersionOptions.DEFAULT_RUNTIME);
        }

        /** Registers {@code code} of the language {@code runtime} ({@code python3}, {@code nodejs}) under {@code name}. */
        public Builder function(String name, String code, String runtime) {
            functions.put(Objects.requireNonNull(name, "name"), new Source(Objects.requireNonNull(code, "code"),
                    Objects.requireNonNull(runtime, "runtime")));
            return this;
        }

        /** Registers the file at {@code file} (Python; Node.js for .js, .mjs and .cjs) under {@code name}. */
        public Builder functionFromFile(String name, Path file) {
            try {
                return function(name, Files.readString(file, StandardCharsets.UTF_8), FaasPlatform.runtimeOf(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }

        /**
         * Registers the Python files under {@code directory} (several modules and packages) as an archive under
         * {@code name}, calling {@code handler} ({@code module.function}; null: {@code main.user_function}).
         */
        public Builder functionFromDirectory(String name, Path directory, String handler) {
            if (!Files.isDirectory(directory)) {
                throw new IllegalArgumentException(directory + " is not a directory");
            }
            directories.put(Objects.requireNonNull(name, "name"), new java.util.AbstractMap.SimpleImmutableEntry<>(
                    directory, handler));
            return this;
        }

        /**
         * Registers the classpath resource {@code resource} (such as {@code "functions/hello.py"}; Node.js for .js,
         * .mjs and .cjs).
         */
        public Builder functionFromResource(String name, String resource) {
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalArgumentException("no classpath resource " + resource);
                }
                return function(name, new String(in.readAllBytes(), StandardCharsets.UTF_8),
                        FaasPlatform.runtimeOf(Path.of(resource)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        }

        /** Also serves the HTTP API on a free loopback port. */
        public Builder http() {
            this.http = true;
            return this;
        }

        /** Runs functions in Docker containers (needs an engine and the function image). */
        public Builder docker() {
            this.docker = true;
            return this;
        }

        /**
         * Pre-started instances kept ready for functions registered during the tests (those given here are warmed
         * before the first test anyway); default 1.
         */
        public Builder prewarm(int count) {
            this.prewarm = count;
            return this;
        }

        public FaasExtension build() {
            return new FaasExtension(this);
        }
    }

    /** A function to register: its code and language runtime. */
    private record Source(String code, String runtime) {
    }
}
