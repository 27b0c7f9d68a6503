package dev.faas.adapter.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.ApiKeyId;
import dev.faas.ports.model.ApiKeyRecord;
import dev.faas.ports.model.StoredApiKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** V13 adds the egress permission to API keys: keys stored before it keep every field and get no permission. */
class ApiKeyEgressMigrationTest {

    private static final String HASH_ADMIN = "a".repeat(64);
    private static final String HASH_REVOKED = "b".repeat(64);

    @TempDir
    Path dataDir;

    @Test
    void givenKeysStoredBeforeV13_open_keepsThemAsTheyWere_withoutTheEgressPermission() throws Exception {
        JdbiRepositoryConfig config = JdbiRepositoryConfig.h2File(dataDir);
        Flyway.configure()
                .dataSource(config.jdbcUrl(), config.user(), config.password())
                .locations("classpath:db/migration")
                .placeholders(Map.of("name_collation", ""))
                .target("12")
                .load()
                .migrate();
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
             PreparedStatement insert = connection.prepareStatement("INSERT INTO api_keys (id, key_hash, role,"
                     + " description, created_at, revoked_at) VALUES (?, ?, ?, ?, TIMESTAMP WITH TIME ZONE"
                     + " '2024-05-01 10:00:00.123+00', ?)")) {
            insert.setString(1, "key_admin");
            insert.setString(2, HASH_ADMIN);
            insert.setString(3, "admin");
            insert.setString(4, "CI deploys");
            insert.setObject(5, null);
            insert.executeUpdate();
            insert.setString(1, "key_revoked");
            insert.setString(2, HASH_REVOKED);
            insert.setString(3, "invoke");
            insert.setString(4, "");
            insert.setObject(5, java.time.OffsetDateTime.parse("2024-05-02T00:00:00Z"));
            insert.executeUpdate();
        }

        try (JdbiFunctionRepository repository = JdbiFunctionRepository.open(config)) {
            Instant createdAt = Instant.parse("2024-05-01T10:00:00.123Z");
            assertThat(repository.apiKeys().findByHash(HASH_ADMIN)).contains(new StoredApiKey(
                    new ApiKeyRecord(ApiKeyId.of("key_admin"), AccessRole.ADMIN, createdAt, false, "CI deploys",
                            Set.of()), HASH_ADMIN));
            assertThat(repository.apiKeys().findByHash(HASH_REVOKED)).contains(new StoredApiKey(
                    new ApiKeyRecord(ApiKeyId.of("key_revoked"), AccessRole.INVOKE, createdAt, true, "", Set.of()),
                    HASH_REVOKED));
        }
    }
}
