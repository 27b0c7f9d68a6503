package dev.faas.app;

import dev.faas.adapter.jaxrs.TlsCredentials;
import dev.faas.adapter.jaxrs.callback.CallbackSender;
import dev.faas.adapter.jaxrs.callback.CallbackTargets;
import dev.faas.adapter.jdbi.JdbiFunctionRepository;
import dev.faas.adapter.jdbi.JdbiRepositoryConfig;
import dev.faas.adapter.memory.InMemoryApiKeyRepository;
import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.domain.access.ApiKeyService;
import dev.faas.domain.changes.ChangeListener;
import dev.faas.domain.pool.InstancePool;
import dev.faas.platform.FaasHttpEndpoint;
import dev.faas.platform.FaasPlatform;
import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ApiKeyPermission;
import dev.faas.ports.out.ApiKeyRepository;
import dev.faas.ports.out.FunctionRepository;
import dev.faas.ports.out.FunctionRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server: the configured store and runtime in a {@link FaasPlatform} (the same one the library offers), served
 * over HTTP by a {@link FaasHttpEndpoint}. Several servers may share one PostgreSQL database: each follows its change
 * log, so deletes and API key changes made through any of them apply on all. {@link #close()} stops listening first,
 * then every instance, the runtime and the store.
 */
public final class FaasServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaasServer.class);

    private final FaasPlatform platform;
    private final FaasHttpEndpoint endpoint;

    private FaasServer(FaasPlatform platform, FaasHttpEndpoint endpoint) {
        this.platform = platform;
        this.endpoint = endpoint;
    }

    /** Opens the store, starts the runtime and listens, as configured. */
    public static FaasServer start(FaasConfig config) {
        JdbiFunctionRepository repository = openRepository(config, NodeId.resolve(config));
        RuntimeSelection.Selected selected;
        try {
            selected = RuntimeSelection.create(config);
        } catch (RuntimeException e) {
            closeQuietly(repository);
            throw e;
        }
        return start(config, platform(config).repository(repository).runtime(selected.runtime())
                .dependencies(selected.dependencies()).alsoClose(selected.client()), repository.apiKeys());
    }

    /**
     * Starts with the given store and runtime, which the server closes when it closes. API keys live in the same
     * database when the store is a JDBI one, else in memory (sharing the change log of an in-memory store).
     */
    public static FaasServer start(FaasConfig config, FunctionRepository repository, FunctionRuntime runtime) {
        ApiKeyRepository apiKeys;
        if (repository instanceof JdbiFunctionRepository jdbi) {
            apiKeys = jdbi.apiKeys();
        } else if (repository instanceof InMemoryFunctionRepository memory) {
            apiKeys = new InMemoryApiKeyRepository(memory.changes());
        } else {
            apiKeys = new InMemoryApiKeyRepository();
        }
        return start(config, repository, apiKeys, runtime);
    }

    /** Starts with the given stores and runtime, which the server closes when it closes. */
    public static FaasServer start(FaasConfig config, FunctionRepository repository, ApiKeyRepository apiKeys,
                                   FunctionRuntime runtime) {
        return start(config, platform(config).repository(repository).runtime(runtime), apiKeys);
    }

    private static FaasServer start(FaasConfig config, FaasPlatform.Builder builder, ApiKeyRepository keyStore) {
        ApiKeyService apiKeys;
        SSLContext tls;
        try {
            // TLS files, keys and bind first: a refusal to start must come before anything is started.
            tls = tls(config);
            apiKeys = new ApiKeyService(keyStore, Clock.systemUTC());
            int added = apiKeys.bootstrap(config.apiKeys());
            boolean authenticating = apiKeys.anyKeyConfigured();
            BindPolicy.check(config.bind(), authenticating, config.allowUnauthenticated()).ifPresent(LOG::warn);
            if (authenticating) {
                LOG.info("API keys required ({} configured, {} new in the store)", config.apiKeys().size(), added);
            }
            if (config.egressNeedsPermission()) {
                checkEgressKeys(apiKeys, authenticating);
            }
        } catch (RuntimeException e) {
            builder.closeUnbuilt();
            throw e;
        }
        FaasPlatform platform = builder.build();
        try {
            // Keys created or revoked through other nodes count here as soon as the change log says so.
            platform.changeFollower().ifPresent(follower ->
                    follower.listen(ChangeListener.invalidatingApiKeys(apiKeys)));
            // BindPolicy has checked the bind, and said why in the log: the endpoint need not refuse it again.
            return new FaasServer(platform, FaasHttpEndpoint.builder(platform).bind(config.bind()).port(config.port())
                    .maxRequestBytes(config.maxRequestBytes()).workerThreads(config.httpThreads()).apiKeys(apiKeys)
                    .drainTime(config.drainTime()).allowUnauthenticated(true).tls(tls).start());
        } catch (RuntimeException e) {
            platform.close();
            throw e;
        }
    }

    /**
     * {@code FAAS_EGRESS=keys} grants egress to API keys holding the egress permission, so a server that has no key
     * could never grant it to anybody: refused, saying what to set instead. Without a key holding it yet, a warning
     * says how to get one.
     */
    private static void checkEgressKeys(ApiKeyService apiKeys, boolean authenticating) {
        if (!authenticating) {
            throw new ConfigException("FAAS_EGRESS=keys allows egress only to API keys with the egress permission,"
                    + " and this server has no API key: configure one with it, e.g. FAAS_API_KEYS=<key>:admin+egress"
                    + " (keys of 16+ characters), or use FAAS_EGRESS=on or off");
        }
        boolean anyHolder = apiKeys.list().stream()
                .anyMatch(record -> !record.revoked() && record.holds(ApiKeyPermission.EGRESS));
        if (anyHolder) {
            LOG.info("FAAS_EGRESS=keys: only API keys with the egress permission register versions with egress");
        } else {
            LOG.warn("FAAS_EGRESS=keys but no API key holds the egress permission yet, so no version can get egress:"
                    + " configure one as FAAS_API_KEYS=<key>:admin+egress");
        }
    }

    /** The TLS context of {@code FAAS_TLS_CERT_FILE} and {@code FAAS_TLS_KEY_FILE}, or null for plain HTTP. */
    private static SSLContext tls(FaasConfig config) {
        if (!config.tls()) {
            return null;
        }
        try {
            SSLContext context = TlsCredentials.sslContext(config.tlsCertFile(), config.tlsKeyFile());
            LOG.info("serving HTTPS with the certificate in {}", config.tlsCertFile());
            return context;
        } catch (TlsCredentials.InvalidTlsFilesException e) {
            throw new ConfigException("FAAS_TLS_CERT_FILE / FAAS_TLS_KEY_FILE: " + e.getMessage());
        }
    }

    private static FaasPlatform.Builder platform(FaasConfig config) {
        FaasPlatform.Builder builder = FaasPlatform.builder().maxArchiveBytes(config.maxArchiveBytes());
        if (config.secretsKey() != null) {
            builder.secretsKey(config.secretsKey());
        }
        if (config.async().callbackKey() != null) {
            CallbackTargets targets = new CallbackTargets(config.async().callbackAllow());
            CallbackSender sender = new CallbackSender(targets,
                    config.async().callbackKey().getBytes(java.nio.charset.StandardCharsets.UTF_8), Clock.systemUTC(),
                    Executors.newScheduledThreadPool(2, task -> {
                        Thread thread = new Thread(task, "faas-callbacks");
                        thread.setDaemon(true);
                        return thread;
                    }), Duration.ofSeconds(1));
            builder.callbacks(new FaasPlatform.Callbacks() {
                @Override
                public void check(String url) {
                    targets.check(url);
                }

                @Override
                public void ended(Activation activation) {
                    sender.ended(activation);
                }
            }).alsoClose(sender);
        }
        builder
                .nodeId(NodeId.resolve(config))
                .prewarm(config.prewarm())
                .prewarm("nodejs", config.prewarmNodejs())
                .prewarmMax(config.prewarmMax())
                .maxInstances(config.maxInstances())
                .nodeMemoryMb(config.nodeMemoryMb())
                .queue(config.maxQueuedCalls(), config.queueTimeout())
                .async(config.async().settings(config.maxInstances()))
                .reaping(config.deleteAfter(), config.cleanupInterval())
                .egress(config.egress());
        if (config.egressNeedsPermission()) {
            builder.egressForPermittedKeys();
        }
        return builder;
    }

    static JdbiFunctionRepository openRepository(FaasConfig config, String nodeId) {
        String url = config.dbUrl() != null ? config.dbUrl() : JdbiRepositoryConfig.h2FileUrl(config.dataDir());
        return JdbiFunctionRepository.open(
                new JdbiRepositoryConfig(url, config.dbUser(), config.dbPassword(), 10, Duration.ofSeconds(3)),
                nodeId);
    }

    public int port() {
        return endpoint.port();
    }

    public FaasPlatform platform() {
        return platform;
    }

    public FunctionRuntime runtime() {
        return platform.runtime();
    }

    public InstancePool pool() {
        return platform.pool();
    }

    @Override
    public void close() {
        endpoint.close();
        platform.close();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("error while closing: {}", e.getMessage());
        }
    }
}
