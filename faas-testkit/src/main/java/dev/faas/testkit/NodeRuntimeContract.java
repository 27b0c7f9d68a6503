package dev.faas.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.faas.ports.error.FunctionInitException;
import dev.faas.ports.error.FunctionRaisedException;
import dev.faas.ports.error.InvalidResultException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.LanguageRuntime;
import dev.faas.ports.model.VersionOptions;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.ports.out.RunOutput;
import dev.faas.ports.out.Specialisation;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What every {@link FunctionRuntime} that offers the {@code nodejs} runtime must do with real Node.js code: the Node.js
 * runner's side of the protocol (CommonJS and ES modules, the params object, promises, errors with their line, logs
 * and their cap, process.exit and uncaught exceptions, strict JSON results, the deadline). Extend it with
 * {@link #createRuntime()} for the runtime under test.
 */
public abstract class NodeRuntimeContract extends RuntimeContractBase {

    protected static final String NODEJS = "nodejs";
    protected static final String SEED_CODE = "module.exports.user_function = ({name}) => `Hello, ${name}!`;\n";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void theRuntime_offersNodejs() {
        assertThat(runtime.languageRuntimes()).extracting(LanguageRuntime::name).contains(NODEJS);
    }

    @Test
    void givenCommonJsSeedFunction_run_callsItWithTheParamsObject() {
        Instance instance = started(SEED_CODE, "user_function");

        RunOutput output = runtime.run(instance, "{\"name\":\"World\"}", TIMEOUT);

        assertThat(output.resultJson()).isEqualTo("\"Hello, World!\"");
    }

    @Test
    void givenEsModuleWithAnAsyncHandlerOfAnotherName_run_awaitsItsPromise() {
        Instance instance = started("""
                import { setTimeout as sleep } from 'node:timers/promises';
                const base = await Promise.resolve(40);
                export async function greet({ add }) {
                  await sleep(10);
                  return { sum: base + add, kind: typeof module };
                }
                """, "greet");

        RunOutput output = runtime.run(instance, "{\"add\":2}", TIMEOUT);

        assertThat(output.resultJson()).isEqualTo("{\"sum\":42,\"kind\":\"undefined\"}");
    }

    @Test
    void givenHandlerOnTheDefaultExport_run_findsIt() {
        Instance instance = started("export default { user_function: () => [1, 'two', null] };\n", "user_function");

        assertThat(runtime.run(instance, "{}", TIMEOUT).resultJson()).isEqualTo("[1,\"two\",null]");
    }

    @Test
    void givenModuleState_secondRun_isServedByTheSameInstance() {
        Instance instance = started("let count = 0;\nexports.user_function = () => ++count;\n", "user_function");

        runtime.run(instance, "{}", TIMEOUT);

        assertThat(runtime.run(instance, "{}", TIMEOUT).resultJson()).isEqualTo("2");
    }

    @Test
    void givenConsoleOutput_run_returnsItAsLogs_cappedWithANotice() {
        Instance instance = started("""
                exports.user_function = ({ big }) => {
                  console.log('hello from node');
                  console.error('to stderr');
                  if (big) { process.stdout.write('x'.repeat(200000)); }
                  return undefined;
                };
                """, "user_function");

        RunOutput small = runtime.run(instance, "{}", TIMEOUT);
        RunOutput flooded = runtime.run(instance, "{\"big\":true}", TIMEOUT);

        assertThat(small.resultJson()).isEqualTo("null");
        assertThat(small.logs()).isEqualTo("hello from node\nto stderr\n");
        assertThat(small.logsTruncated()).isFalse();
        assertThat(flooded.logsTruncated()).isTrue();
        assertThat(flooded.logs()).hasSizeLessThan(70 * 1024)
                .endsWith("[output truncated: " + (200000 + 26 - 64 * 1024) + " more bytes not shown]\n");
    }

    @Test
    void givenHandlerThrows_run_reportsTypeMessageAndStack_andTheInstanceKeepsServing() {
        Instance instance = started("""
                exports.user_function = ({ what }) => {
                  if (what === 'string') { throw 'just a string'; }
                  return null.property;
                };
                """, "user_function");

        assertThatThrownBy(() -> runtime.run(instance, "{}", TIMEOUT))
                .isInstanceOfSatisfying(FunctionRaisedException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("TypeError");
                    assertThat(e.errorMessage()).contains("null");
                    assertThat(e.traceback()).contains("function.cjs:3").doesNotContain("faas_runner");
                });
        assertThatThrownBy(() -> runtime.run(instance, "{\"what\":\"string\"}", TIMEOUT))
                .isInstanceOfSatisfying(FunctionRaisedException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("string");
                    assertThat(e.errorMessage()).isEqualTo("just a string");
                });
        assertThat(runtime.running()).contains(instance.id());
    }

    @Test
    void givenSyntaxErrors_init_reportsTheirLine_inCommonJsAndEsModules() {
        Instance commonJs = runtime.start(spec());
        Instance esModule = runtime.start(spec());

        assertThatThrownBy(() -> runtime.init(commonJs, definition("const a = 1;\n\nexports.f = (x => x +;\n", "f")))
                .isInstanceOfSatisfying(FunctionInitException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("SyntaxError");
                    assertThat(e.line()).isEqualTo(3);
                });
        assertThatThrownBy(() -> runtime.init(esModule, definition(
                "export const a = 1;\nexport function f(x) { return x +; }\nexport const b = 2;\n", "f")))
                .isInstanceOfSatisfying(FunctionInitException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("SyntaxError");
                    assertThat(e.line()).isEqualTo(2);
                });
    }

    @Test
    void givenNoSuchHandler_orCodeThrowingAtLoad_init_reportsIt() {
        Instance missing = runtime.start(spec());
        Instance throwing = runtime.start(spec());

        assertThatThrownBy(() -> runtime.init(missing, definition("exports.other = () => 1;\n", "user_function")))
                .isInstanceOfSatisfying(FunctionInitException.class,
                        e -> assertThat(e.errorType()).isEqualTo("HandlerNotFound"));
        assertThatThrownBy(() -> runtime.init(throwing, definition("throw new RangeError('bad config');\n",
                "user_function")))
                .isInstanceOfSatisfying(FunctionInitException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("RangeError");
                    assertThat(e.errorMessage()).isEqualTo("bad config");
                });
    }

    @Test
    void givenProcessExit_run_raisesProcessExit_andTheRunnerStaysUp() {
        Instance instance = started("exports.user_function = ({ ok }) => ok ? 'alive' : process.exit(3);\n",
                "user_function");

        assertThatThrownBy(() -> runtime.run(instance, "{}", TIMEOUT))
                .isInstanceOfSatisfying(FunctionRaisedException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("ProcessExit");
                    assertThat(e.errorMessage()).isEqualTo("process.exit(3) was called");
                });
        assertThat(runtime.run(instance, "{\"ok\":true}", TIMEOUT).resultJson()).isEqualTo("\"alive\"");
    }

    @Test
    void givenUncaughtExceptions_duringACallTheCallFails_betweenCallsTheNextLogsShowThem() {
        Instance instance = started("""
                exports.user_function = ({ mode }) => {
                  if (mode === 'during') {
                    return new Promise(() => setTimeout(() => { throw new EvalError('from a timer'); }, 5));
                  }
                  if (mode === 'after') {
                    setImmediate(() => Promise.reject(new URIError('left behind')));
                    return 'scheduled';
                  }
                  return 'quiet';
                };
                """, "user_function");

        assertThatThrownBy(() -> runtime.run(instance, "{\"mode\":\"during\"}", TIMEOUT))
                .isInstanceOfSatisfying(FunctionRaisedException.class,
                        e -> assertThat(e.errorType()).isEqualTo("EvalError"));
        assertThat(runtime.run(instance, "{\"mode\":\"after\"}", TIMEOUT).resultJson()).isEqualTo("\"scheduled\"");
        // The rejection happened after the reply; a later call brings it in its logs (the runner kept running).
        RunOutput later = await("the rejection in a later call's logs").atMost(Duration.ofSeconds(20))
                .until(() -> runtime.run(instance, "{}", TIMEOUT),
                        output -> output.logs().contains("URIError: left behind"));
        assertThat(later.resultJson()).isEqualTo("\"quiet\"");
    }

    @Test
    void givenResultsThatAreNotJson_run_refusesThem() {
        Instance instance = started("""
                exports.user_function = ({ kind }) => {
                  if (kind === 'nan') return { value: NaN };
                  if (kind === 'bigint') return 10n;
                  if (kind === 'circular') { const a = {}; a.self = a; return a; }
                  return () => 1;
                };
                """, "user_function");

        for (String kind : new String[] {"nan", "bigint", "circular", "function"}) {
            assertThatThrownBy(() -> runtime.run(instance, "{\"kind\":\"" + kind + "\"}", TIMEOUT))
                    .as(kind)
                    .isInstanceOfSatisfying(InvalidResultException.class,
                            e -> assertThat(e.errorType()).isEqualTo("ResultNotSerializable"));
        }
    }

    @Test
    void givenEndlessLoop_run_isCutAtTheDeadlineAndTheInstanceIsGone() {
        Instance instance = started("exports.user_function = () => { for (;;) {} };\n", "user_function");

        assertEndlessLoopIsCutAtTheDeadline(instance, 10000L);
    }

    @Test
    void givenEnvAndASecret_init_setsProcessEnvAndWritesTheSecretAsAPrivateFile_neverIntoTheEnvironment() {
        String secret = "tok-" + Long.toHexString(System.nanoTime());
        Instance instance = runtime.start(spec());
        runtime.init(instance, definition("""
                const fs = require('fs');
                const path = require('path');
                const file = path.join(process.env.FAAS_SECRETS_DIR, 'api-token');
                exports.user_function = ({ secret }) => ({
                  region: process.env.REGION,
                  token: fs.readFileSync(file, 'utf8'),
                  mode: (fs.statSync(file).mode & 0o777).toString(8),
                  inEnvironment: Object.values(process.env).some((value) => value.includes(secret)),
                });
                """, "user_function", VersionOptions.DEFAULT.withRuntime(NODEJS)
                .withEnv(java.util.Map.of("REGION", "eu-west"))),
                new Specialisation(java.util.Map.of("api-token", secret)));

        RunOutput output = runtime.run(instance, "{\"secret\":\"" + secret + "\"}", TIMEOUT);

        assertThat(output.resultJson()).isEqualTo("{\"region\":\"eu-west\",\"token\":\"" + secret
                + "\",\"mode\":\"400\",\"inEnvironment\":false}");
        assertThat(output.logs()).doesNotContain(secret);
    }

    @Test
    void givenArchive_init_loadsItsEntryModule_whichRequiresItsNodeModulesAndASecondModule() {
        String zip = zip(java.util.Map.of(
                "index.js", "const pad = require('left-pad');\nconst { greet } = require('./lib/greet');\n"
                        + "exports.main = ({ name }) => pad(greet(name), 14, '*');\n",
                "lib/greet.js", "exports.greet = (name) => `Hello, ${name}!`;\n",
                "esm.mjs", "import { greet } from './lib/greet.js';\nexport const main = ({ name }) => greet(name);\n",
                "node_modules/left-pad/package.json", "{\"name\":\"left-pad\",\"main\":\"pad.js\"}\n",
                "node_modules/left-pad/pad.js",
                "module.exports = (text, width, fill) => fill.repeat(Math.max(0, width - text.length)) + text;\n",
                "broken.js", "exports.main = () => 1;\nexports.other = ( => 2;\n"));
        VersionOptions archive = VersionOptions.DEFAULT.withRuntime(NODEJS).withArchive(true);
        Instance commonJs = runtime.start(spec());
        runtime.init(commonJs, definition(zip, "index.main", archive));
        Instance esModule = runtime.start(spec());
        runtime.init(esModule, definition(zip, "esm.main", archive));

        assertThat(runtime.run(commonJs, "{\"name\":\"Ada\"}", TIMEOUT).resultJson()).isEqualTo("\"***Hello, Ada!\"");
        assertThat(runtime.run(esModule, "{\"name\":\"Ada\"}", TIMEOUT).resultJson()).isEqualTo("\"Hello, Ada!\"");
        Instance broken = runtime.start(spec());
        assertThatThrownBy(() -> runtime.init(broken, definition(zip, "broken.main", archive)))
                .isInstanceOfSatisfying(FunctionInitException.class, e -> assertThat(e.line()).isEqualTo(2));
    }

    private static String zip(java.util.Map<String, String> files) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes)) {
            for (java.util.Map.Entry<String, String> file : new java.util.TreeMap<>(files).entrySet()) {
                out.putNextEntry(new java.util.zip.ZipEntry(file.getKey()));
                out.write(file.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.closeEntry();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return java.util.Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    protected Instance started(String code, String handler) {
        Instance instance = runtime.start(spec());
        runtime.init(instance, definition(code, handler));
        return instance;
    }

    protected static InstanceSpec spec() {
        return new InstanceSpec(FunctionId.parse("node-contract-1"), 256, NODEJS);
    }

    protected static FunctionDefinition definition(String code, String handler) {
        return definition(code, handler, VersionOptions.DEFAULT.withRuntime(NODEJS));
    }

    protected static FunctionDefinition definition(String code, String handler, VersionOptions options) {
        return new FunctionDefinition(FunctionId.parse("node-contract-1"), code, handler,
                new FunctionLimits(TIMEOUT, 256, 4), Instant.now(), "0".repeat(64), options);
    }
}
