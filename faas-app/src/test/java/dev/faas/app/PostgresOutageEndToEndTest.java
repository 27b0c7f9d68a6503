package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.adapter.jdbi.JdbiFunctionRepository;
import dev.faas.adapter.jdbi.JdbiRepositoryConfig;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL going away under a running server: registration answers 503 quickly, loaded versions keep answering,
 * and registration works again by itself once the database is back.
 */
@Tag("postgres")
class PostgresOutageEndToEndTest {

    @TempDir
    Path dataDir;

    @TempDir
    Path postgresDir;

    @Test
    void databaseStoppedAndRestarted_registerFailsFastInvokeKeepsWorking_thenRegisterRecovers() throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(postgresDir)
                .setCleanDataDirectory(false).start();
        int port = postgres.getPort();
        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "FAAS_DATA_DIR", dataDir.toString()));
        JdbiFunctionRepository repository = JdbiFunctionRepository.open(new JdbiRepositoryConfig(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "", 4, Duration.ofSeconds(2)));
        try (FaasServer server = FaasServer.start(config, repository,
                new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(dataDir.resolve("instances"))))) {
            HttpClientSupport http = new HttpClientSupport(server.port());
            http.post("/register", "{\"name\":\"hello\",\"code\":\"def user_function():\\n    return 'up'\"}");
            assertThat(http.post("/invoke", "{\"name\":\"hello-1\"}").body()).isEqualTo("{\"result\":\"up\"}");

            postgres.close();

            long start = System.nanoTime();
            HttpResponse<String> refused = http.post("/register",
                    "{\"name\":\"hello\",\"code\":\"def user_function():\\n    return 'v2'\"}");
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            SeedApiEndToEndTest.problem(refused, 503, "urn:faas:problem:store-unavailable");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(tookMillis).isLessThan(10_000);
            assertThat(http.post("/invoke", "{\"name\":\"hello-1\"}").body()).isEqualTo("{\"result\":\"up\"}");

            postgres = EmbeddedPostgres.builder().setDataDirectory(postgresDir).setCleanDataDirectory(false)
                    .setPort(port).start();

            HttpResponse<String> recovered = awaitRegistration(http);
            assertThat(recovered.body()).isEqualTo("{\"result\":\"hello-2\"}");
            assertThat(http.post("/invoke", "{\"name\":\"hello-2\"}").body()).isEqualTo("{\"result\":\"v2\"}");
        } finally {
            postgres.close();
        }
    }

    private static HttpResponse<String> awaitRegistration(HttpClientSupport http) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> response;
        do {
            response = http.post("/register", "{\"name\":\"hello\",\"code\":\"def user_function():\\n    return 'v2'\"}");
            if (response.statusCode() == 200) {
                return response;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        return response;
    }
}
