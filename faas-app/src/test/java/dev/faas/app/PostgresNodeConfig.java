package dev.faas.app;

import dev.faas.testkit.EmbeddedPostgresExtension;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The settings of one of several server nodes sharing a test's PostgreSQL (multi-node tests). */
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
}
