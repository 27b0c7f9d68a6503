package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.testkit.RequiresDocker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile and broken functions against the real server with its Docker runtime: each case asserts the exact answer
 * the caller gets (status and problem type, or the result) and, through a {@link Canary}, that another function kept
 * answering within 2 s during and after the abuse. One server serves every case; its containers carry a node id of
 * their own and are removed even when a case fails.
 */
@Tag("docker")
@Tag("reliability")
@RequiresDocker
class AbuseSuiteTest {

    private static final boolean UNDER_GVISOR = CanaryServer.UNDER_GVISOR;
    /**
     * The limits of the fork bombs: under gVisor each process of a function also costs the container several MB of
     * memory (measured: 250 MB for 62 sleeping children of a bare python3, 488 MB when the parent held 100,000 small
     * objects; both the 256 MB default and 512 MB ended the runner's bombs out of memory), so they get the server's
     * maximum (2048 MB) to leave the task limit they test to decide.
     */
    private static final Map<String, Object> FORK_BOMB_LIMITS = UNDER_GVISOR ? Map.of("memoryMb", 2048) : Map.of();

    /** A secret in the server's environment that no function may see. */
    private static final String SECRET = "s3cret-canary";
    // Module state and the container's hostname: a call tells which version, which container and which module served it.
    private static final String COUNTING_CODE = """
            import socket
            calls = 0
            def user_function():
                global calls
                calls += 1
                return {"version": VERSION, "host": socket.gethostname(), "calls": calls}
            """;

    /** Finds the runner's protocol socket among its descriptors and abuses it as {@code action} says. */
    private static final String SOCKET_ABUSER = """
            import json, os, socket, stat, struct
            def protocol_sockets():
                found = []
                for name in os.listdir("/proc/self/fd"):
                    try:
                        if stat.S_ISSOCK(os.fstat(int(name)).st_mode):
                            found.append(int(name))
                    except OSError:
                        pass
                return found
            def user_function(action=None):
                sockets = protocol_sockets()
                if action == "close":
                    for fd in sockets:
                        os.close(fd)
                    return "closed"
                if action == "garbage":
                    for fd in sockets:
                        os.write(fd, b"\\xff\\xff\\xff\\xff not a frame" * 8)
                    return "scribbled"
                if action == "forge":
                    header = json.dumps({"ok": True, "logs": "", "logs_truncated": False}).encode()
                    for fd in sockets:
                        os.write(fd, struct.pack(">II", len(header), 8) + header + b'"forged"')
                    return "real"
                return {"host": socket.gethostname(), "sockets": sockets}
            """;

    @RegisterExtension
    static final CanaryServer SERVER = CanaryServer.onDocker("rabuse", Map.of("FAAS_DB_PASSWORD", SECRET));

    private final Api api = SERVER.api();
    private final DockerSupport docker = SERVER.docker();
    private final String node = SERVER.node();
    private final String canaryId = SERVER.canaryId();

    @Test
    void forkBomb_isContainedByThePidsLimit_andTheCallerGetsItsBlockingIOError() {
        String counter = api.register("pidcount", """
                import os, time
                def user_function():
                    children = []
                    error = None
                    try:
                        while len(children) < 1000:
                            pid = os.fork()
                            if pid == 0:
                                time.sleep(3)
                                os._exit(0)
                            children.append(pid)
                    except OSError as e:
                        error = e.errno
                    for child in children:
                        os.kill(child, 9)
                        os.waitpid(child, 0)
                    return {"children": len(children), "errno": error}
                """, FORK_BOMB_LIMITS);
        String bomb = api.register("forkbomb", """
                import os
                def user_function():
                    while True:
                        os.fork()
                """, FORK_BOMB_LIMITS);

        JsonNode counted = api.invoke(counter).result();
        Api.Reply bombed = api.invoke(bomb);

        // pids limit 64: the runner and at most 63 children; EAGAIN once it is reached.
        assertThat(counted.get("children").asInt()).isBetween(50, 63);
        assertThat(counted.get("errno").asInt()).isEqualTo(11);
        JsonNode problem = bombed.problem(422, "function-error");
        assertThat(problem.at("/error/type").asText()).isEqualTo("BlockingIOError");
        assertThat(bombed.millis()).isLessThan(10_000);
    }

    @Test
    void forkBomb_leavesNoZombies_soTheSameInstanceCanStillStartAThread() {
        String id = api.register("bombthenthread", """
                import os, signal, threading
                def user_function(action):
                    if action == "bomb":
                        while True:
                            os.fork()
                    if action == "suicide":
                        os.kill(os.getpid(), signal.SIGKILL)
                        return "survived SIGKILL"
                    worker = threading.Thread(target=lambda: None)
                    worker.start()
                    worker.join()
                    return "thread started"
                """, FORK_BOMB_LIMITS);

        api.invoke(id, Map.of("action", "bomb")).problem(422, "function-error");
        // The bomb's last copies may still be on their way out for a moment; once they are gone (collected by
        // the runner or the container's init) the same instance must start threads again.
        AtomicReference<Api.Reply> afterBombReply = new AtomicReference<>();
        await("threads again after the bomb").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    afterBombReply.set(api.invoke(id, Map.of("action", "thread")));
                    return afterBombReply.get().status() == 200;
                });
        Api.Reply afterBomb = afterBombReply.get();
        Api.Reply suicide = api.invoke(id, Map.of("action", "suicide"));

        assertThat(afterBomb.body()).isEqualTo("{\"result\":\"thread started\"}");
        suicide.problem(502, "instance-crashed");
    }

    @Test
    void memoryBomb_twiceTheLimit_isKilledAsOutOfMemory_andTheNextCallWorks() {
        String id = api.register("membomb", """
                def user_function(mb):
                    blocks = []
                    for _ in range(mb):
                        blocks.append(bytearray(1024 * 1024))
                    return len(blocks)
                """, Map.of("memoryMb", 64));

        Api.Reply bombed = api.invoke(id, Map.of("mb", 128));
        Api.Reply next = api.invoke(id, Map.of("mb", 8));

        if (bombed.status() == 422) {
            // Python may see the limit first and raise; either way the caller is told it was memory.
            assertThat(bombed.problem(422, "function-error").at("/error/type").asText()).isEqualTo("MemoryError");
        } else {
            assertThat(bombed.problem(502, "out-of-memory").path("detail").asText()).contains("64 MB");
        }
        assertThat(next.result().asInt()).isEqualTo(8);
    }

    @Test
    void infiniteLoop_isCutAtItsDeadline_whileACallEndingOneSecondEarlierSucceeds() {
        String id = api.register("spinner", """
                import time
                def user_function(seconds=None):
                    if seconds is None:
                        while True:
                            pass
                    time.sleep(seconds)
                    return "slept"
                """, Map.of("timeoutMs", 2000));

        AbuseChecks.assertLoopIsCutAtTheDeadline_andTheVersionStillServes(api, id);
    }

    @Test
    void tenMegabytesOfStdout_callSucceeds_andTheAnswerStaysSmall() {
        String id = api.register("printer", """
                import sys
                def user_function():
                    line = "x" * 1023 + "\\n"
                    for _ in range(10 * 1024):
                        sys.stdout.write(line)
                    print("the end", file=sys.stderr)
                    return "printed"
                """);

        Api.Reply plain = api.invoke(id);
        Api.Reply withLogs = api.post("/invoke?logs=true", "{\"name\":\"" + id + "\"}");

        assertThat(plain.body()).isEqualTo("{\"result\":\"printed\"}");
        assertThat(withLogs.status()).isEqualTo(200);
        assertThat(withLogs.json().get("result").asText()).isEqualTo("printed");
        // ?logs=true is optional API: when the server returns logs they are bounded, with the truncation notice.
        assertThat(withLogs.body().length()).isLessThan(80 * 1024);
        if (withLogs.json().has("logs")) {
            assertThat(withLogs.json().get("logs").asText()).contains("[output truncated:");
        }
    }

    @Test
    void sevenMegabyteResult_isRefusedAsInvalidResult() {
        String id = api.register("hugeresult", """
                def user_function():
                    return "x" * (7 * 1024 * 1024)
                """);

        Api.Reply reply = api.invoke(id);

        JsonNode problem = reply.problem(422, "invalid-result");
        assertThat(problem.at("/error/type").asText()).isEqualTo("ResultTooLarge");
        assertThat(reply.body().length()).isLessThan(4096);
        assertThat(api.invoke(canaryId).result().asText()).isEqualTo("alive");
    }

    @Test
    void openingMoreFilesThanNofile_raisesEmfileThatTheFunctionCanCatch() {
        String id = api.register("fdhog", """
                import os, resource
                def user_function():
                    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
                    opened, error = [], None
                    try:
                        while len(opened) < 100000:
                            opened.append(os.open("/dev/null", os.O_RDONLY))
                    except OSError as e:
                        error = e.errno
                    for fd in opened:
                        os.close(fd)
                    return {"soft": soft, "hard": hard, "opened": len(opened), "errno": error}
                """);

        JsonNode result = api.invoke(id).result();

        assertThat(result.get("soft").asInt()).isEqualTo(1024);
        assertThat(result.get("hard").asInt()).isEqualTo(1024);
        assertThat(result.get("opened").asInt()).isBetween(1000, 1024);
        assertThat(result.get("errno").asInt()).as("EMFILE").isEqualTo(24);
    }

    @Test
    void egress_toServicesOnThisHostByEveryAddress_failsAtOnceInsideTheFunction() throws Exception {
        String id = api.register("egress", """
                import os, socket, time
                def user_function(targets):
                    outcomes = {}
                    for host, port in targets:
                        start = time.monotonic()
                        try:
                            socket.create_connection((host, port), timeout=5).close()
                            outcome = "connected"
                        except OSError as e:
                            outcome = "errno %s" % e.errno
                        outcomes["%s:%d" % (host, port)] = [outcome, time.monotonic() - start]
                    try:
                        socket.getaddrinfo("example.com", 80)
                        outcomes["dns"] = "resolved"
                    except OSError as e:
                        outcomes["dns"] = type(e).__name__
                    outcomes["interfaces"] = sorted(os.listdir("/sys/class/net"))
                    return outcomes
                """);
        AbuseChecks.assertNoRouteOut(api, id, SERVER.server().port(), (target, outcome) -> {
            // ECONNREFUSED on the container's own loopback, ENETUNREACH anywhere else: no route out at all.
            // gVisor's network stack (FAAS_DOCKER_RUNTIME, its --network=none) says EHOSTUNREACH instead.
            assertThat(outcome.get(0).asText()).as(target).isIn(UNDER_GVISOR
                    ? new String[] {"errno 111", "errno 113"} : new String[] {"errno 111", "errno 101"});
            assertThat(outcome.get(1).asDouble()).as("seconds to fail " + target).isLessThan(0.5);
        }, result -> {
            assertThat(result.get("dns").asText()).isEqualTo("gaierror");
            assertThat(result.get("interfaces")).extracting(JsonNode::asText).containsExactly("lo");
        });
    }

    @Test
    void rootFileSystemIsReadOnly_tmpIsWritable_andNoFunctionReadsAnothersTmp() {
        String writer = api.register("tmpwriter", """
                def user_function(path, text=None):
                    try:
                        if text is None:
                            with open(path) as f:
                                return f.read()
                        with open(path, "w") as f:
                            f.write(text)
                        return "written"
                    except OSError as e:
                        return "errno %d" % e.errno
                """);
        String reader = api.register("tmpreader", """
                def user_function(path):
                    try:
                        with open(path) as f:
                            return f.read()
                    except OSError as e:
                        return "errno %d" % e.errno
                """);

        if (UNDER_GVISOR) {
            // gVisor checks the runner's permission on / before the mount's read-only flag (EACCES, not EROFS): the
            // mount itself must be read-only.
            assertThat(api.invoke(writer, Map.of("path", "/evil", "text", "x")).result().asText())
                    .as("EACCES").isEqualTo("errno 13");
            assertThat(api.invoke(writer, Map.of("path", "/proc/mounts")).result().asText().lines()
                    .filter(line -> line.split(" ")[1].equals("/")).toList())
                    .singleElement().satisfies(root -> assertThat(root.split(" ")[3].split(",")).contains("ro"));
        } else {
            assertThat(api.invoke(writer, Map.of("path", "/evil", "text", "x")).result().asText())
                    .as("EROFS").isEqualTo("errno 30");
        }
        assertThat(api.invoke(writer, Map.of("path", "/tmp/mine.txt", "text", "private")).result().asText())
                .isEqualTo("written");
        assertThat(api.invoke(writer, Map.of("path", "/tmp/mine.txt")).result().asText()).isEqualTo("private");
        assertThat(api.invoke(reader, Map.of("path", "/tmp/mine.txt")).result().asText())
                .as("ENOENT: the other function has its own /tmp").isEqualTo("errno 2");
    }

    @Test
    void writesOutsideTmp_stayWithinTheSandboxesDiskBound() {
        String id = api.register("socketdirfiller", """
                def user_function(mb):
                    block = b"\\0" * (1024 * 1024)
                    written = 0
                    try:
                        with open("/run/faas/filler.bin", "wb") as f:
                            for _ in range(mb):
                                f.write(block)
                                written += 1
                    except OSError as e:
                        return {"mb": written, "errno": e.errno}
                    return {"mb": written, "errno": None}
                """);

        JsonNode result = api.invoke(id, Map.of("mb", 80)).result();

        assertThat(result.get("mb").asInt()).as("MB written to the host through /run/faas").isLessThan(64);
    }

    @Test
    void environment_holdsNoPlatformSecret() {
        String id = api.register("envdump", """
                import os
                def user_function():
                    with open("/proc/self/environ", "rb") as f:
                        raw = f.read().decode("utf-8", "replace")
                    return {"environ": dict(os.environ), "raw": raw}
                """);

        JsonNode result = api.invoke(id).result();

        AbuseChecks.assertHoldsNoPlatformSecret(result, SECRET, docker, node, "PATH", "HOSTNAME", "HOME",
                "LANG", "LC_ALL", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PYTHONIOENCODING", "TERM");
    }

    @Test
    void newVersion_neverReachesTheOldVersionsContainer_norItsModuleState() {
        String first = api.register("stateful", COUNTING_CODE.replace("VERSION", "1"));
        JsonNode firstCall = api.invoke(first).result();
        JsonNode secondCall = api.invoke(first).result();

        String second = api.register("stateful", COUNTING_CODE.replace("VERSION", "2"));
        JsonNode newVersion = api.invoke(second).result();
        JsonNode oldAgain = api.invoke(first).result();

        assertThat(secondCall.get("calls").asInt()).isEqualTo(2);
        assertThat(secondCall.get("host")).isEqualTo(firstCall.get("host"));
        assertThat(newVersion.get("version").asInt()).isEqualTo(2);
        assertThat(newVersion.get("calls").asInt()).as("a fresh module").isEqualTo(1);
        assertThat(newVersion.get("host")).as("another container").isNotEqualTo(firstCall.get("host"));
        assertThat(oldAgain.get("version").asInt()).isEqualTo(1);
        assertThat(oldAgain.get("calls").asInt()).isEqualTo(3);
    }

    @Test
    void deletedThenReRegisteredName_neverReachesTheOldContainer() throws Exception {
        String first = api.register("reborn", COUNTING_CODE.replace("VERSION", "1"));
        api.invoke(first).result();
        JsonNode before = api.invoke(first).result();

        Api.Reply deleted = api.delete("/functions/reborn");
        Api.Reply deletedVersion = api.invoke(first);
        String again = api.register("reborn", COUNTING_CODE.replace("VERSION", "2"));
        JsonNode after = api.invoke(again).result();

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        deletedVersion.problem(404, "function-not-found");
        assertThat(again).as("versions are never reused").isEqualTo("reborn-2");
        assertThat(after.get("version").asInt()).isEqualTo(2);
        assertThat(after.get("calls").asInt()).as("a fresh module").isEqualTo(1);
        assertThat(after.get("host")).as("another container").isNotEqualTo(before.get("host"));
        awaitGone(before.get("host").asText());
    }

    @Test
    void codeHangingAtImport_isRefusedAsInvalidCode_withinItsCheckTime_andLeavesNoContainer() throws Exception {
        int runningBefore = docker.running(node).size();

        Api.Reply reply = api.tryRegister("importhang", """
                import time
                time.sleep(1000)
                def user_function():
                    return 1
                """, Map.of("timeoutMs", 3000));

        JsonNode problem = reply.problem(400, "invalid-code");
        assertThat(problem.at("/error/type").asText()).isEqualTo("InitTimeout");
        assertThat(reply.millis()).isBetween(3000L, 15_000L);
        awaitRunning(runningBefore);
        api.invoke("importhang-1").problem(404, "function-not-found");
    }

    @Test
    void closingTheRunnersSocket_givesA502_andTheNextCallRunsOnAFreshInstance() throws Exception {
        String id = api.register("socketcloser", SOCKET_ABUSER);
        String firstHost = api.invoke(id).result().get("host").asText();

        Api.Reply closed = api.invoke(id, Map.of("action", "close"));
        JsonNode next = api.invoke(id).result();

        closed.problem(502, "instance-crashed");
        assertThat(closed.millis()).isLessThan(5000);
        assertThat(next.get("host").asText()).isNotEqualTo(firstHost);
        awaitGone(firstHost);
    }

    @Test
    void garbageOnTheRunnersSocket_givesA422_andTheNextCallRunsOnAFreshInstance() throws Exception {
        String id = api.register("socketscribbler", SOCKET_ABUSER);
        String firstHost = api.invoke(id).result().get("host").asText();

        Api.Reply garbled = api.invoke(id, Map.of("action", "garbage"));
        JsonNode next = api.invoke(id).result();

        // Its prefix announces a 4 GiB header: refused unread, as the function's fault (ForgedReplySuiteTest).
        assertThat(garbled.problem(422, "invalid-result").at("/error/type").asText()).isEqualTo("ReplyTooLarge");
        assertThat(garbled.millis()).isLessThan(5000);
        assertThat(next.get("host").asText()).isNotEqualTo(firstHost);
        awaitGone(firstHost);
    }

    @Test
    void forgedReplyOnTheRunnersSocket_neverShiftsTheAnswersOfLaterCalls() {
        String id = api.register("replyforger", SOCKET_ABUSER);
        api.invoke(id).result();

        Api.Reply forged = api.invoke(id, Map.of("action", "forge"));
        Api.Reply next = api.invoke(id);

        assertThat(forged.body()).isNotEqualTo("{\"result\":\"forged\"}");
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.json().get("result").isObject()).as("the next call's own result, not " + next.body())
                .isTrue();
    }

    @Test
    void nonSerialisableResults_areRefusedAsInvalidResult() {
        String id = api.register("notjson", """
                def user_function(kind):
                    return {"set": {1, 2}, "object": object(), "nan": float("nan")}[kind]
                """);

        for (String kind : List.of("set", "object", "nan")) {
            Api.Reply reply = api.invoke(id, Map.of("kind", kind));
            assertThat(reply.problem(422, "invalid-result").at("/error/type").asText()).as(kind)
                    .isEqualTo("ResultNotSerializable");
        }
    }

    @Test
    void nonUtf8Body_isInvalidJson_andDeeplyNestedParams_areRefused_whileTheServerStaysFine() {
        byte[] latin1 = ("{\"name\":\"" + canaryId + "\",\"params\":{\"x\":\"caf\u00e9\"}}")
                .getBytes(StandardCharsets.ISO_8859_1);
        int depth = 100_000;
        String nested = "[".repeat(depth) + "]".repeat(depth);

        Api.Reply notUtf8 = api.post("/invoke", latin1);
        Api.Reply deepInvoke = api.post("/invoke", "{\"name\":\"" + canaryId + "\",\"params\":{\"x\":" + nested
                + "}}");
        Api.Reply deepRegister = api.post("/register", "{\"name\":\"deep\",\"code\":\"x\",\"limits\":"
                + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}");

        notUtf8.problem(400, "invalid-json");
        deepInvoke.problem(400, "invalid-json");
        deepRegister.problem(400, "invalid-json");
        assertThat(api.get("/healthz").status()).isEqualTo(200);
        assertThat(api.invoke(canaryId).result().asText()).isEqualTo("alive");
    }

    private void awaitRunning(int count) {
        docker.awaitRunning(node, count);
    }

    private void awaitGone(String hostname) {
        docker.awaitGone(node, hostname);
    }
}
