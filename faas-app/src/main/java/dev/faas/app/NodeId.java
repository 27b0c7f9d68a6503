package dev.faas.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * This node's stable id, stamped on every container it starts so that its startup sweep removes only its own: from
 * {@code FAAS_NODE_ID}, else kept in {@code <data dir>/node-id}, generated on the first start.
 */
final class NodeId {

    private NodeId() {
    }

    static String resolve(FaasConfig config) {
        if (config.nodeId() != null) {
            return config.nodeId();
        }
        Path file = config.dataDir().resolve("node-id");
        try {
            if (Files.exists(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!stored.isEmpty()) {
                    return stored;
                }
            }
            byte[] random = new byte[4];
            new SecureRandom().nextBytes(random);
            String generated = "n" + HexFormat.of().formatHex(random);
            Files.createDirectories(config.dataDir());
            Files.writeString(file, generated + "\n", StandardCharsets.UTF_8);
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the node id in " + file, e);
        }
    }
}
