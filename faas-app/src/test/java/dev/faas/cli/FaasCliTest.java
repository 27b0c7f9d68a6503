package dev.faas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.cli.CliServer.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every command of the {@code faas} CLI against a real server, as a shell user runs them. */
class FaasCliTest {

    @TempDir
    static Path directory;

    @RegisterExtension
    static final CliServer faas = new CliServer(() -> directory);

    private static Path file(String name, String code) throws Exception {
        return Files.writeString(directory.resolve(name), code);
    }

    @Test
    void register_printsTheNewId_andInvokeWithPairsPrintsTheResult() throws Exception {
        Path hello = file("hello.py", "def user_function(name, times=1):\n    return ('Hello, ' + name + '! ') * times\n");

        Run registered = faas.run("register", "greet", hello.toString());
        Run invoked = faas.run("invoke", "greet-1", "name=World", "times=2");
        Run json = faas.run("invoke", "greet-1", "--json", "{\"name\":\"JSON\"}");

        assertThat(registered).isEqualTo(new Run(0, "greet-1\n", ""));
        assertThat(invoked.status()).isZero();
        assertThat(invoked.out()).isEqualTo("\"Hello, World! Hello, World! \"\n");
        assertThat(json.out()).isEqualTo("\"Hello, JSON! \"\n");
    }

    @Test
    void registerOfAJsFile_choosesNodejs_versionsShowTheRuntime_andRuntimesListsBoth() throws Exception {
        Path node = file("greet.js", "exports.user_function = ({name}) => 'Hi ' + name;\n");
        Path python = file("greet.py", "def user_function(name):\n    return 'Hey ' + name\n");

        Run first = faas.run("register", "polyglot", node.toString());
        Run second = faas.run("register", "polyglot", python.toString(), "--runtime", "python3");
        Run refused = faas.run("register", "polyglot", python.toString(), "--runtime", "cobol");
        Run versions = faas.run("versions", "polyglot");
        Run runtimes = faas.run("runtimes");

        assertThat(first.out()).isEqualTo("polyglot-1\n");
        assertThat(second.out()).isEqualTo("polyglot-2\n");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).contains("'cobol'").contains("nodejs, python3");
        assertThat(faas.run("invoke", "polyglot-1", "name=Node").out()).isEqualTo("\"Hi Node\"\n");
        assertThat(versions.out()).contains("RUNTIME").containsPattern("polyglot-1 .* nodejs\n")
                .containsPattern("polyglot-2 .* python3\n");
        assertThat(faas.run("list").out()).containsPattern("polyglot\\s+2\\s+2 python3");
        assertThat(runtimes.status()).isZero();
        assertThat(runtimes.out()).containsPattern("python3\\s+python").containsPattern("nodejs\\s+javascript");
    }

    @Test
    void registerWithLimits_andList_andVersions_showTheFunctions() throws Exception {
        Path code = file("limited.py", "def handle():\n    return 42\n");
        faas.run("register", "limited", code.toString(), "--handler", "handle", "--timeout-ms", "5000",
                "--memory-mb", "128", "--max-instances", "2");
        faas.run("register", "limited", code.toString(), "--handler", "handle");

        Run list = faas.run("list");
        Run versions = faas.run("versions", "limited");

        assertThat(list.status()).isZero();
        assertThat(list.out()).contains("NAME").containsPattern("limited\\s+2\\s+2");
        assertThat(versions.out()).contains("limited-1").contains("limited-2").containsPattern("handle\\s+5000\\s+128");
        assertThat(faas.run("invoke", "limited-1").out()).isEqualTo("42\n");
    }

    @Test
    void delete_removesAVersionOrAName() throws Exception {
        Path code = file("temp.py", "def user_function():\n    return None\n");
        faas.run("register", "temp", code.toString());
        faas.run("register", "temp", code.toString());

        assertThat(faas.run("delete", "temp-1")).isEqualTo(new Run(0, "deleted temp-1\n", ""));
        assertThat(faas.run("delete", "temp")).isEqualTo(new Run(0, "deleted temp-2\n", ""));
        Run gone = faas.run("invoke", "temp-2");
        assertThat(gone.status()).isEqualTo(FaasCli.EXIT_REFUSED);
        assertThat(gone.err()).contains("not found");
    }

    @Test
    void failingFunction_exitsWith1AndShowsThePythonError() throws Exception {
        faas.run("register", "boom", file("boom.py", "def user_function():\n    return 1 / 0\n").toString());

        Run run = faas.run("invoke", "boom-1");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("ZeroDivisionError").contains("line 2");
    }

    @Test
    void usageErrors_exitWith2_andUnreachableServerWith3() throws Exception {
        assertThat(faas.run("invoke").status()).isEqualTo(2);
        assertThat(faas.run("invoke", "x-1", "not-a-pair").status()).isEqualTo(2);
        assertThat(faas.run("register", "x", directory.resolve("missing.py").toString()).status()).isEqualTo(2);

        StringWriter err = new StringWriter();
        int status = FaasCli.run(() -> { }, new PrintWriter(new StringWriter()), new PrintWriter(err, true),
                "--url", "http://127.0.0.1:1", "list");
        assertThat(status).isEqualTo(FaasCli.EXIT_UNREACHABLE);
        assertThat(err.toString()).contains("cannot reach the server");
    }

    @Test
    void help_isAvailableForEveryCommand() {
        for (String command : new String[] {"serve", "register", "invoke", "list", "versions", "delete", "runtimes"}) {
            Run help = faas.run(command, "--help");
            assertThat(help.status()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: faas " + command);
        }
        assertThat(faas.run("--help").out()).contains("register").contains("invoke").contains("serve");
    }
}
