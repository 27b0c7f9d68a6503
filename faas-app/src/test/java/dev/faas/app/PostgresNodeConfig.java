package dev.faas.app;

import dev.faas.adapter.jdbi.JdbiFunctionRepository;
import dev.faas.adapter.jdbi.JdbiRepositoryConfig;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import dev.faas.testkit.EmbeddedPostgresExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Server nodes on a test's PostgreSQL: the settings of one of several sharing it, or one started in process. */
final class PostgresNodeConfig {

    private PostgresNodeConfig() {
    }

    /**
     * Node {@code nodeId} on a free port, running functions as python3 processes without pre-warming, with its data
     * in the directory {@code nodeId} under {@code dataRoot} and its store in the PostgreSQL listening on
     * {@code postgresPort}; {@code extra} settings are added (and win).
     */
    static FaasConfig of(String nodeId, Path dataRoot, int postgresPort, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "FAAS_PORT", "0",
                "FAAS_RUNTIME", "process",
                "FAAS_PREWARM", "0",
                "FAAS_NODE_ID", nodeId,
                "FAAS_DATA_DIR", dataRoot.resolve(nodeId).toString(),
                "FAAS_DB_URL", "jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres",
                "FAAS_DB_USER", EmbeddedPostgresExtension.USER));
        settings.putAll(extra);
        return FaasConfig.fromEnvironment(settings);
    }

    /**
     * A server started in this JVM with {@code config}, its store the PostgreSQL at {@code jdbcUrl} (4 connections
     * that wait {@code connectTimeout} at most) and its functions python3 processes under {@code dataDir}: for the
     * tests that stop the database under a running server.
     */
    static FaasServer startInProcess(FaasConfig config, String jdbcUrl, Duration connectTimeout, Path dataDir) {
        return FaasServer.start(config, JdbiFunctionRepository.open(new JdbiRepositoryConfig(jdbcUrl,
                        EmbeddedPostgresExtension.USER, "", 4, connectTimeout)),
                new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(dataDir.resolve("instances"))));
    }
}
