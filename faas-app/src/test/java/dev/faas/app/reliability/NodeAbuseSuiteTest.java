package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.testkit.DockerAvailability;
import dev.faas.testkit.RequiresDocker;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link AbuseSuiteTest}'s hostile functions written in JavaScript, against the real server with its Docker runtime
 * and the nodejs function image ({@code FAAS_IMAGE_NODEJS}): an endless loop, a memory bomb, a spawn bomb, a stdout
 * flood, egress, the read-only root, the non-root user with no capabilities, no platform secret in the environment,
 * and the runner's socket abused. Each case asserts the caller's exact answer and, through the {@link Canary} (a
 * Python function), that the node kept serving other functions.
 */
@Tag("docker")
@Tag("reliability")
@RequiresDocker(nodeImage = true)
class NodeAbuseSuiteTest {

    /** A secret in the server's environment that no function may see. */
    private static final String SECRET = "s3cret-node-canary";
    private static final String NODEJS = "nodejs";

    @RegisterExtension
    static final CanaryServer SERVER = CanaryServer.onDocker("rnode", Map.of("FAAS_DB_PASSWORD", SECRET,
            "FAAS_IMAGE_NODEJS", DockerAvailability.nodeFunctionImage()));

    private final Api api = SERVER.api();
    private final DockerSupport docker = SERVER.docker();
    private final String node = SERVER.node();
    private final String canaryId = SERVER.canaryId();

    private String register(String name, String code) {
        return api.register(name, code, Map.of(), NODEJS);
    }

    private String register(String name, String code, Map<String, Object> limits) {
        return api.register(name, code, limits, NODEJS);
    }

    @Test
    void infiniteLoop_isCutAtItsDeadline_whileACallEndingOneSecondEarlierSucceeds() {
        String id = register("spinner", """
                exports.user_function = async ({ seconds }) => {
                  if (seconds === undefined) { for (;;) {} }
                  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
                  return 'slept';
                };
                """, Map.of("timeoutMs", 2000));

        AbuseChecks.assertLoopIsCutAtTheDeadline_andTheVersionStillServes(api, id);
    }

    @Test
    void memoryBomb_twiceTheLimit_isKilledAsOutOfMemory_andTheNextCallWorks() {
        String id = register("membomb", """
                exports.user_function = ({ mb }) => {
                  const blocks = [];
                  for (let i = 0; i < mb; i++) { blocks.push(Buffer.alloc(1024 * 1024, 1)); }
                  return blocks.length;
                };
                """, Map.of("memoryMb", 128));

        Api.Reply bombed = api.invoke(id, Map.of("mb", 256));
        Api.Reply next = api.invoke(id, Map.of("mb", 8));

        assertThat(bombed.problem(502, "out-of-memory").path("detail").asText()).contains("128 MB");
        assertThat(next.result().asInt()).isEqualTo(8);
    }

    @Test
    void spawnBomb_isContainedByThePidsLimit_andTheCallerGetsEagain() {
        String id = register("spawnbomb", """
                const { spawn } = require('child_process');
                exports.user_function = async () => {
                  const children = [];
                  const errors = [];
                  for (let i = 0; i < 1000 && errors.length === 0; i++) {
                    const child = spawn('sleep', ['3'], { stdio: 'ignore' });
                    child.on('error', (error) => errors.push(error.code));
                    if (child.pid === undefined) {
                      await new Promise((resolve) => setImmediate(resolve));
                    } else {
                      children.push(child);
                    }
                  }
                  children.forEach((child) => child.kill('SIGKILL'));
                  await Promise.all(children.map((child) => new Promise((resolve) => child.on('exit', resolve))));
                  return { children: children.length, errors: errors.slice(0, 1) };
                };
                """);

        Api.Reply bombed = api.invoke(id);
        JsonNode after = api.invoke(id).result();

        // pids limit 64 counts threads too: node's own (the main thread, V8's and libuv's) and the init.
        JsonNode result = bombed.result();
        assertThat(result.get("children").asInt()).isBetween(30, 63);
        assertThat(result.get("errors").get(0).asText()).isEqualTo("EAGAIN");
        assertThat(bombed.millis()).isLessThan(10_000);
        assertThat(after.get("children").asInt()).as("the same limit again: nothing leaked").isBetween(30, 63);
    }

    @Test
    void tenMegabytesOfConsoleOutput_callSucceeds_andTheAnswerStaysSmall() {
        String id = register("printer", """
                exports.user_function = () => {
                  const line = 'x'.repeat(1023);
                  for (let i = 0; i < 10 * 1024; i++) { console.log(line); }
                  console.error('the end');
                  return 'printed';
                };
                """);

        Api.Reply plain = api.invoke(id);
        Api.Reply withLogs = api.post("/invoke?logs=true", "{\"name\":\"" + id + "\"}");

        assertThat(plain.body()).isEqualTo("{\"result\":\"printed\"}");
        assertThat(withLogs.status()).isEqualTo(200);
        assertThat(withLogs.body().length()).isLessThan(80 * 1024);
        if (withLogs.json().has("logs")) {
            assertThat(withLogs.json().get("logs").asText()).contains("[output truncated:");
        }
    }

    @Test
    void egress_toServicesOnThisHostByEveryAddress_failsAtOnceInsideTheFunction() throws Exception {
        String id = register("egress", """
                const net = require('net');
                const dns = require('dns').promises;
                const os = require('os');
                function attempt(host, port) {
                  const start = Date.now();
                  return new Promise((resolve) => {
                    const socket = net.connect({ host, port, timeout: 5000 });
                    socket.on('connect', () => { socket.destroy(); resolve(['connected', Date.now() - start]); });
                    socket.on('timeout', () => { socket.destroy(); resolve(['timeout', Date.now() - start]); });
                    socket.on('error', (error) => resolve([error.code, Date.now() - start]));
                  });
                }
                exports.user_function = async ({ targets }) => {
                  const outcomes = {};
                  for (const [host, port] of targets) { outcomes[host + ':' + port] = await attempt(host, port); }
                  try { await dns.lookup('example.com'); outcomes.dns = 'resolved'; }
                  catch (error) { outcomes.dns = error.code; }
                  outcomes.interfaces = Object.keys(os.networkInterfaces()).sort();
                  return outcomes;
                };
                """);
        AbuseChecks.assertNoRouteOut(api, id, SERVER.server().port(), (target, outcome) -> {
            assertThat(outcome.get(0).asText()).as(target).isIn("ECONNREFUSED", "ENETUNREACH");
            assertThat(outcome.get(1).asLong()).as("milliseconds to fail " + target).isLessThan(500);
        }, result -> {
            assertThat(result.get("dns").asText()).isIn("ENOTFOUND", "EAI_AGAIN");
            assertThat(result.get("interfaces")).extracting(JsonNode::asText).containsExactly("lo");
        });
    }

    @Test
    void rootFileSystemIsReadOnly_tmpIsWritable_andTheUserIsNotRootAndHoldsNoCapability() {
        String id = register("fsprobe", """
                const fs = require('fs');
                function tryWrite(path) {
                  try { fs.writeFileSync(path, 'x'); return 'written'; } catch (error) { return error.code; }
                }
                exports.user_function = () => ({
                  root: tryWrite('/evil'),
                  runner: tryWrite('/opt/faas/faas_runner.js'),
                  tmp: tryWrite('/tmp/mine.txt'),
                  uid: process.getuid(),
                  gid: process.getgid(),
                  capEff: fs.readFileSync('/proc/self/status', 'utf8').match(/^CapEff:\\s*(\\w+)/m)[1],
                  noNewPrivs: fs.readFileSync('/proc/self/status', 'utf8').match(/^NoNewPrivs:\\s*(\\d)/m)[1],
                });
                """);

        JsonNode result = api.invoke(id).result();

        assertThat(result.get("root").asText()).isEqualTo("EROFS");
        assertThat(result.get("runner").asText()).isIn("EROFS", "EACCES");
        assertThat(result.get("tmp").asText()).isEqualTo("written");
        assertThat(result.get("uid").asInt()).isEqualTo(10001);
        assertThat(result.get("gid").asInt()).isEqualTo(10001);
        assertThat(result.get("capEff").asText()).isEqualTo("0000000000000000");
        assertThat(result.get("noNewPrivs").asText()).isEqualTo("1");
    }

    @Test
    void environment_holdsNoPlatformSecret() {
        String id = register("envdump", """
                const fs = require('fs');
                exports.user_function = () => ({
                  environ: process.env,
                  raw: fs.readFileSync('/proc/self/environ', 'latin1'),
                });
                """);

        JsonNode result = api.invoke(id).result();

        AbuseChecks.assertHoldsNoPlatformSecret(result, SECRET, docker, node, "PATH", "HOSTNAME", "HOME",
                "LANG", "LC_ALL", "TERM");
    }

    @Test
    void forgedAndGarbageRepliesOnTheRunnersSocket_areRefused_andLaterCallsGetTheirOwnAnswers() {
        String id = register("socketabuser", """
                const os = require('os');
                const net = require('net');
                function protocolSockets() {
                  return process._getActiveHandles().filter((handle) => handle instanceof net.Socket
                      && handle !== process.stdout && handle !== process.stderr);
                }
                exports.user_function = ({ action }) => {
                  const sockets = protocolSockets();
                  if (action === 'garbage') {
                    sockets.forEach((socket) => socket.write(Buffer.from('\\xff\\xff\\xff\\xff not a frame', 'latin1')));
                    return 'scribbled';
                  }
                  if (action === 'forge') {
                    const header = Buffer.from(JSON.stringify({ ok: true, logs: '', logs_truncated: false }));
                    const prefix = Buffer.alloc(8);
                    prefix.writeUInt32BE(header.length, 0);
                    prefix.writeUInt32BE(8, 4);
                    sockets.forEach((socket) => socket.write(Buffer.concat([prefix, header, Buffer.from('"forged"')])));
                    return 'real';
                  }
                  return { host: os.hostname(), sockets: sockets.length };
                };
                """);
        JsonNode first = api.invoke(id).result();
        assertThat(first.get("sockets").asInt()).isEqualTo(1);

        Api.Reply forged = api.invoke(id, Map.of("action", "forge"));
        Api.Reply afterForge = api.invoke(id);
        Api.Reply garbled = api.invoke(id, Map.of("action", "garbage"));
        Api.Reply afterGarbage = api.invoke(id);

        assertThat(forged.body()).isNotEqualTo("{\"result\":\"forged\"}");
        assertThat(forged.status()).isGreaterThanOrEqualTo(400);
        assertThat(afterForge.json().get("result").isObject()).as("its own result, not " + afterForge.body()).isTrue();
        assertThat(garbled.problem(422, "invalid-result").at("/error/type").asText()).isEqualTo("ReplyTooLarge");
        assertThat(afterGarbage.json().get("result").isObject()).as(afterGarbage.body()).isTrue();
        assertThat(api.invoke(canaryId).result().asText()).isEqualTo("alive");
    }
}
