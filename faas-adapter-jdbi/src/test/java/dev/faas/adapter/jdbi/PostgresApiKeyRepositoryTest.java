package dev.faas.adapter.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.ports.out.ApiKeyRepository;
import dev.faas.testkit.ApiKeyRepositoryContract;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("postgres")
class PostgresApiKeyRepositoryTest extends ApiKeyRepositoryContract {

    @RegisterExtension
    static final PostgresStore database = PostgresStore.open();

    @Override
    protected ApiKeyRepository createRepository() {
        return database.repository().apiKeys();
    }

    /** Lookups by hash must use an index, not scan the table; and ids must sort as Java strings do. */
    @Test
    void givenMigratedSchema_apiKeys_hasAUniqueIndexOnTheHashAndCodePointIds() throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            try (ResultSet indexes = connection.createStatement().executeQuery(
                    "SELECT indexdef FROM pg_indexes WHERE tablename = 'api_keys' AND indexdef LIKE '%(key_hash)%'")) {
                assertThat(indexes.next()).as("an index on key_hash").isTrue();
                assertThat(indexes.getString(1)).startsWith("CREATE UNIQUE INDEX");
            }
            try (ResultSet columns = connection.createStatement().executeQuery(
                    "SELECT collation_name FROM information_schema.columns"
                            + " WHERE table_name = 'api_keys' AND column_name = 'id'")) {
                columns.next();
                assertThat(columns.getString(1)).isEqualTo("C");
            }
        }
    }
}
