package dev.faas.adapter.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.NewFunctionVersion;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What the JDBI repository does beyond the contract: durability, opening, and saying why it cannot. */
class JdbiFunctionRepositoryTest {

    private static final FunctionName NAME = FunctionName.of("hello");

    @TempDir
    Path dataDir;

    @Test
    void givenH2RepositoryClosed_reopen_findsWhatWasStoredAndKeepsCounting() {
        FunctionDefinition stored;
        try (JdbiFunctionRepository repository = JdbiFunctionRepository.open(JdbiRepositoryConfig.h2File(dataDir))) {
            stored = repository.add(newVersion("def user_function(name):\n    return 'é'\n"));
            repository.add(newVersion("second"));
            repository.delete(new FunctionId(NAME, 2));
        }

        try (JdbiFunctionRepository repository = JdbiFunctionRepository.open(JdbiRepositoryConfig.h2File(dataDir))) {
            assertThat(repository.find(stored.id())).contains(stored);
            assertThat(repository.add(newVersion("third")).version()).isEqualTo(3);
        }
    }

    @Test
    void givenProcessKilledRightAfterAdd_reopen_findsTheVersion() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                AddThenHalt.class.getName(), dataDir.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(output).isEqualTo(AddThenHalt.EXIT_CODE);
        assertThat(output).contains("added hello-1");

        try (JdbiFunctionRepository repository = JdbiFunctionRepository.open(JdbiRepositoryConfig.h2File(dataDir))) {
            assertThat(repository.find(new FunctionId(NAME, 1))).map(FunctionDefinition::code).contains("survivor");
        }
    }

    @Test
    void givenUnreachablePostgres_open_failsQuicklyNamingTheUrlButNotThePassword() throws IOException {
        int port = closedPort();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/faas?password=url-secret";
        JdbiRepositoryConfig config = new JdbiRepositoryConfig(url, "faas", "top-secret", 2, Duration.ofSeconds(2));

        long start = System.nanoTime();
        Throwable failure = catchThrowable(() -> JdbiFunctionRepository.open(config));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        LoggerFactory.getLogger(getClass()).info("open failed after {} ms: {}", took.toMillis(), failure.getMessage());
        assertThat(failure)
                .isInstanceOf(RepositoryUnavailableException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:" + port + "/faas")
                .hasMessageContaining("refused")
                .hasMessageNotContaining("top-secret")
                .hasMessageNotContaining("url-secret")
                .hasMessageNotContaining("\n");
        // A liveness bound, not a speed figure: with a 2 s connection timeout, opening gives up instead of hanging.
        assertThat(took).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void givenPassword_configToString_hidesIt() {
        JdbiRepositoryConfig config = JdbiRepositoryConfig.of(
                "jdbc:postgresql://db/faas?user=faas&password=url-secret&ssl=true", "faas", "top-secret");

        assertThat(config.toString()).doesNotContain("top-secret").doesNotContain("url-secret");
        assertThat(config.jdbcUrlWithoutPassword()).isEqualTo("jdbc:postgresql://db/faas?user=***&password=***&ssl=true");
    }

    @Test
    void redact_masksUserInfoAndCredentialParameters_wherever_theUrlIsQuoted() {
        assertThat(JdbiRepositoryConfig.redact("jdbc:postgresql://alice:s3cr3t@db:5432/faas?sslmode=require"))
                .isEqualTo("jdbc:postgresql://***@db:5432/faas?sslmode=require");
        assertThat(JdbiRepositoryConfig.redact("jdbc:postgresql://db/faas?ssl=true&USER=bob&Password=hunter2"
                + "&sslpassword=keypass")).isEqualTo("jdbc:postgresql://db/faas?ssl=true&USER=***&Password=***"
                + "&sslpassword=***");
        assertThat(JdbiRepositoryConfig.redact("jdbc:h2:file:/data/faas;USER=sa;PASSWORD=h2secret;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:file:/data/faas;USER=***;PASSWORD=***;MODE=PostgreSQL");
        assertThat(JdbiRepositoryConfig.redact("Driver org.postgresql.Driver claims to not accept jdbcUrl, "
                + "jdbc:postgresql://alice:s3cr3t@db/faas?password=hunter2 (more)"))
                .doesNotContain("alice").doesNotContain("s3cr3t").doesNotContain("hunter2").endsWith(" (more)");
        assertThat(JdbiRepositoryConfig.redact("jdbc:postgresql://db:5432/faas"))
                .isEqualTo("jdbc:postgresql://db:5432/faas");
    }

    @Test
    void givenDataDirectory_h2FileUrl_pointsIntoItInPostgresMode() {
        String url = JdbiRepositoryConfig.h2FileUrl(dataDir);

        assertThat(url).startsWith("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("faas") + ";")
                .contains(";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static NewFunctionVersion newVersion(String code) {
        return new NewFunctionVersion(NAME, code, "user_function",
                new FunctionLimits(Duration.ofSeconds(60), 256, 8), Instant.parse("2024-01-02T03:04:05.678Z"), "0".repeat(64));
    }

    /** Run in a child JVM: adds one version, then dies at once as kill -9 would, without shutdown hooks. */
    static final class AddThenHalt {

        static final int EXIT_CODE = 137;

        public static void main(String[] args) {
            JdbiFunctionRepository repository = JdbiFunctionRepository.open(JdbiRepositoryConfig.h2File(Path.of(args[0])));
            FunctionDefinition added = repository.add(newVersion("survivor"));
            System.out.println("added " + added.id());
            System.out.flush();
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }
}
