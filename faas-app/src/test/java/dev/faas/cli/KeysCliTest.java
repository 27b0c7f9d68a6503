package dev.faas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.cli.CliServer.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code faas keys create|list|revoke} against a real server started with {@code FAAS_EGRESS=keys}. */
class KeysCliTest {

    private static final String HOLDER = "cli-egress-admin-key-0001";
    private static final String ADMIN = "cli-plain-admin-key-00001";

    @TempDir
    static Path directory;

    @RegisterExtension
    static final CliServer faas = new CliServer(() -> directory).with("FAAS_EGRESS", "keys")
            .with("FAAS_API_KEYS", HOLDER + ":admin+egress," + ADMIN + ":admin");

    @Test
    void keysCreateEgress_printsIdAndKey_theKeyRegistersEgress_andListShowsThePermission() throws Exception {
        Path code = Files.writeString(directory.resolve("fetch.py"), "def user_function():\n    return 1\n");

        Run created = faas.run("--api-key", HOLDER, "keys", "create", "admin", "--egress", "--description", "fetchers");

        assertThat(created.status()).as(created.err()).isZero();
        List<String> lines = created.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("key_[0-9a-f]{16}");
        assertThat(lines.get(1)).startsWith("faas_");
        Run registered = faas.run("--api-key", lines.get(1), "register", "fetch", code.toString(), "--network",
                "egress");
        assertThat(registered.status()).as(registered.err()).isZero();
        assertThat(registered.out().strip()).isEqualTo("fetch-1");
        Run listed = faas.run("--api-key", ADMIN, "keys", "list");
        assertThat(listed.out()).startsWith("ID ").contains("PERMISSIONS");
        assertThat(listed.out().lines().filter(line -> line.startsWith(lines.get(0))).findFirst().orElseThrow())
                .contains(" admin ").contains(" egress ").contains("fetchers").doesNotContain(lines.get(1));
        assertThat(listed.out().lines().filter(line -> line.contains("FAAS_API_KEYS entry 2")).findFirst()
                .orElseThrow()).contains(" - ");
        assertThat(faas.run("--api-key", ADMIN, "keys", "revoke", lines.get(0)).out().strip())
                .isEqualTo("revoked " + lines.get(0));
    }

    @Test
    void withoutThePermission_keysCreateEgress_andRegisteringEgress_areRefusedSayingWhy() throws Exception {
        Path code = Files.writeString(directory.resolve("other.py"), "def user_function():\n    return 1\n");

        Run created = faas.run("--api-key", ADMIN, "keys", "create", "admin", "--egress");
        Run registered = faas.run("--api-key", ADMIN, "register", "other", code.toString(), "--network", "egress");

        assertThat(created.status()).isEqualTo(FaasCli.EXIT_REFUSED);
        assertThat(created.err()).contains("'egress'");
        assertThat(registered.status()).isEqualTo(FaasCli.EXIT_REFUSED);
        assertThat(registered.err()).contains("permission 'egress'");
    }
}
