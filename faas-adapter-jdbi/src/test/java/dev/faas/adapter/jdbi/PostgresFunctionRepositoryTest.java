package dev.faas.adapter.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.ports.out.FunctionRepository;
import dev.faas.testkit.FunctionRepositoryContract;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("postgres")
class PostgresFunctionRepositoryTest extends FunctionRepositoryContract {

    @RegisterExtension
    static final PostgresStore database = PostgresStore.open();

    @Override
    protected FunctionRepository createRepository() {
        return database.repository();
    }

    @Test
    void givenOpenRepository_itsConnections_carryTheDriverSettings() throws SQLException {
        database.repository().findLatest(uniqueName("warm"));

        try (Connection connection = database.dataSource().getConnection();
             ResultSet sessions = connection.createStatement().executeQuery(
                     "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                             + JdbiFunctionRepository.APPLICATION_NAME + "'")) {
            sessions.next();
            assertThat(sessions.getInt(1)).isPositive();
        }
    }

    /** The embedded server runs in the C locale, so the ordering test alone would not notice a missing collation. */
    @Test
    void givenMigratedSchema_nameColumns_compareByCodePointWhateverTheLocale() throws SQLException {
        List<String> collations = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             ResultSet columns = connection.createStatement().executeQuery(
                     "SELECT table_name, collation_name FROM information_schema.columns"
                             + " WHERE column_name = 'name' AND table_name LIKE 'function_%' ORDER BY table_name")) {
            while (columns.next()) {
                collations.add(columns.getString("table_name") + ":" + columns.getString("collation_name"));
            }
        }

        assertThat(collations).containsExactly("function_names:C", "function_versions:C");
    }
}
