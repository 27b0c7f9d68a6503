package dev.faas.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import dev.faas.ports.error.FunctionRaisedException;
import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.InstanceTimeoutException;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.ports.out.RunOutput;
import dev.faas.testkit.FunctionRuntimeContract;
import dev.faas.testkit.HostAddresses;
import dev.faas.testkit.RequiresDocker;
import dev.faas.testkit.Waiting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The runtime contract and the sandbox's promises, against the real engine and the real function image. */
@Tag("docker")
@RequiresDocker
class DockerFunctionRuntimeTest extends FunctionRuntimeContract {

    @RegisterExtension
    static final DockerTestEnvironment ENGINE = DockerTestEnvironment.forNode("test-");
    private static final String NODE_ID = ENGINE.nodeId();
    private static final DockerClient docker = ENGINE.client();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path socketRoot;

    private final List<FunctionRuntime> extraRuntimes = new ArrayList<>();

    @AfterEach
    void closeExtraRuntimes() {
        extraRuntimes.forEach(FunctionRuntime::close);
    }

    @Override
    protected FunctionRuntime createRuntime() {
        return new DockerFunctionRuntime(docker, settings());
    }

    private DockerRuntimeSettings settings() {
        return DockerRuntimeSettings.defaults(NODE_ID, socketRoot).withImage(DockerTestEnvironment.image());
    }

    @Override
    protected void killFromOutside(Instance instance) {
        docker.killContainerCmd(containerOf(instance).getId()).exec();
    }

    @Test
    void givenStartedInstance_itsContainer_isHardenedLimitedAndLabelled() {
        Instance instance = runtime.start(new InstanceSpec(FunctionId.parse("hardened-3"), 128));

        InspectContainerResponse inspected = docker.inspectContainerCmd(containerOf(instance).getId()).exec();
        HostConfig host = inspected.getHostConfig();
        assertThat(host.getNetworkMode()).isEqualTo("none");
        assertThat(host.getReadonlyRootfs()).isTrue();
        assertThat(host.getCapDrop()).containsExactly(Capability.ALL);
        assertThat(host.getCapAdd()).isNullOrEmpty();
        assertThat(host.getSecurityOpts()).contains("no-new-privileges");
        assertThat(host.getPrivileged()).isFalse();
        assertThat(host.getPidsLimit()).isEqualTo(64L);
        assertThat(host.getMemory()).isEqualTo(128L * 1024 * 1024);
        assertThat(host.getMemorySwap()).isEqualTo(host.getMemory());
        assertThat(host.getNanoCPUs()).isEqualTo(1_000_000_000L);
        assertThat(host.getUlimits()).filteredOn(ulimit -> ulimit.getName().equals("nofile")).singleElement()
                .satisfies(ulimit -> {
                    assertThat(ulimit.getSoftLong()).isEqualTo(1024L);
                    assertThat(ulimit.getHardLong()).isEqualTo(1024L);
                });
        assertThat(host.getTmpFs()).containsOnlyKeys("/tmp", "/run/secrets");
        assertThat(host.getTmpFs().get("/tmp")).contains("size=67108864", "noexec", "nosuid", "nodev");
        assertThat(host.getBinds()).singleElement().satisfies(bind -> {
            assertThat(bind.getVolume().getPath()).isEqualTo("/run/faas");
            assertThat(bind.getAccessMode()).isEqualTo(AccessMode.ro);
        });
        assertThat(inspected.getConfig().getUser()).isEqualTo("10001:10001");
        assertThat(inspected.getConfig().getLabels()).containsAllEntriesOf(Map.of(
                "faas.managed", "true", "faas.node", NODE_ID, "faas.function", "hardened-3",
                "faas.instance", instance.id()));
    }

    @Test
    void givenPrewarmSpec_start_labelsTheContainerAsPrewarm() {
        Instance instance = runtime.start(InstanceSpec.prewarm(256));

        assertThat(containerOf(instance).getLabels()).containsEntry("faas.function", "prewarm");
        runtime.init(instance, definition(SEED_CODE, "user_function", Duration.ofSeconds(10)));
        assertThat(runtime.run(instance, "{\"name\":\"prewarm\"}", Duration.ofSeconds(10)).resultJson())
                .isEqualTo("\"Hello, prewarm!\"");
    }

    @Test
    void givenFunctionInspectingItsProcess_itRunsUnprivilegedWithoutNetworkInterfaces() throws Exception {
        Instance instance = started("""
                import os
                def user_function():
                    status = dict(line.split(":", 1) for line in open("/proc/self/status"))
                    return {"uid": os.getuid(), "gid": os.getgid(), "interfaces": sorted(os.listdir("/sys/class/net")),
                            "capabilities": status["CapEff"].strip(), "no_new_privs": status["NoNewPrivs"].strip()}
                """, "user_function", Duration.ofSeconds(10));

        JsonNode result = JSON.readTree(runtime.run(instance, "{}", Duration.ofSeconds(10)).resultJson());

        assertThat(result.get("uid").asInt()).isEqualTo(10001);
        assertThat(result.get("gid").asInt()).isEqualTo(10001);
        assertThat(result.get("interfaces").toString()).isEqualTo("[\"lo\"]");
        assertThat(result.get("capabilities").asText()).isEqualTo("0000000000000000");
        assertThat(result.get("no_new_privs").asText()).isEqualTo("1");
    }

    @Test
    void givenFunctionOpeningConnections_everyOneFailsAtOnce() throws Exception {
        Instance instance = started("""
                import socket
                def user_function(targets):
                    outcomes = {}
                    for host in targets:
                        connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                        connection.settimeout(3)
                        try:
                            connection.connect((host, 80))
                            outcomes[host] = "connected"
                        except OSError as error:
                            outcomes[host] = "%s: %s" % (type(error).__name__, error)
                        finally:
                            connection.close()
                    try:
                        socket.getaddrinfo("example.com", 80)
                        outcomes["dns"] = "resolved"
                    except OSError as error:
                        outcomes["dns"] = "%s: %s" % (type(error).__name__, error)
                    return outcomes
                """, "user_function", Duration.ofSeconds(10));
        String gateway = bridgeGateway();

        // Only this machine's own addresses: no packet could leave it even if the sandbox were broken.
        String hostAddress = HostAddresses.ownNonLoopbackIpv4().orElse(gateway);

        RunOutput output = runtime.run(instance, JSON.writeValueAsString(Map.of(
                "targets", List.of(hostAddress, "127.0.0.1", gateway))), Duration.ofSeconds(20));

        JsonNode outcomes = JSON.readTree(output.resultJson());
        assertThat(outcomes.get(hostAddress).asText()).contains("unreachable");
        assertThat(outcomes.get(gateway).asText()).contains("unreachable");
        assertThat(outcomes.get("127.0.0.1").asText()).contains("ConnectionRefusedError");
        assertThat(outcomes.get("dns").asText()).doesNotContain("resolved");
        // "unreachable", not "timed out": with no route, a connection fails before a packet leaves.
    }

    @Test
    void givenFunctionWritingFiles_onlyTmpIsWritable() throws Exception {
        Instance instance = started("""
                def user_function(paths):
                    outcomes = {}
                    for path in paths:
                        try:
                            with open(path, "a") as file:
                                file.write("x")
                            outcomes[path] = "written"
                        except OSError as error:
                            outcomes[path] = type(error).__name__ + ": " + str(error.strerror)
                    return outcomes
                """, "user_function", Duration.ofSeconds(10));

        JsonNode outcomes = JSON.readTree(runtime.run(instance, JSON.writeValueAsString(Map.of("paths", List.of(
                "/probe", "/opt/faas/faas_runner.py", "/etc/passwd", "/tmp/probe"))), Duration.ofSeconds(10))
                .resultJson());

        assertThat(outcomes.get("/probe").asText()).contains("Read-only file system");
        assertThat(outcomes.get("/opt/faas/faas_runner.py").asText()).doesNotContain("written");
        assertThat(outcomes.get("/etc/passwd").asText()).doesNotContain("written");
        assertThat(outcomes.get("/tmp/probe").asText()).isEqualTo("written");
    }

    @Test
    void givenFunctionReadingTheEnvironment_seesNothingOfThePlatform() throws Exception {
        Instance instance = started("import os\ndef user_function():\n    return dict(os.environ)\n",
                "user_function", Duration.ofSeconds(10));

        JsonNode environment = JSON.readTree(runtime.run(instance, "{}", Duration.ofSeconds(10)).resultJson());

        Set<String> names = new HashSet<>();
        environment.fieldNames().forEachRemaining(names::add);
        Set<String> platformOnly = new HashSet<>(System.getenv().keySet());
        platformOnly.removeAll(Set.of("PATH", "HOME", "HOSTNAME", "LANG", "TERM"));
        assertThat(names).doesNotContainAnyElementsOf(platformOnly);
        assertThat(names).noneMatch(name -> name.startsWith("FAAS_") || name.startsWith("JAVA")
                || name.startsWith("DOCKER"));
        assertThat(environment.get("HOME").asText()).isEqualTo("/tmp");
    }

    @Test
    void givenForkLoop_thePidsLimitContainsIt_andAnotherInstanceStillAnswers() throws Exception {
        Instance forker = started("""
                import os, time
                def user_function():
                    children = 0
                    try:
                        while children < 10000:
                            if os.fork() == 0:
                                time.sleep(600)
                                os._exit(0)
                            children += 1
                    except OSError as error:
                        return {"children": children, "error": type(error).__name__}
                    return {"children": children, "error": None}
                """, "user_function", Duration.ofSeconds(10));

        Throwable failure = catchThrowable(() -> {
            JsonNode result = JSON.readTree(runtime.run(forker, "{}", Duration.ofSeconds(20)).resultJson());
            assertThat(result.get("children").asInt()).isLessThan(64);
            assertThat(result.get("error").asText()).isEqualTo("BlockingIOError");
        });
        if (failure != null) {
            // Erroring out is also containment, as long as it is the instance that failed and nothing else.
            assertThat(failure).isInstanceOfAny(FunctionRaisedException.class, InstanceCrashedException.class);
        }

        // The neighbour starts and answers within its own start timeout and call deadline.
        Instance other = started(SEED_CODE, "user_function", Duration.ofSeconds(10));
        assertThat(runtime.run(other, "{\"name\":\"neighbour\"}", Duration.ofSeconds(10)).resultJson())
                .isEqualTo("\"Hello, neighbour!\"");
    }

    @Test
    void givenAllocationOfTwiceTheMemoryLimit_run_failsNamingMemory_andANewInstanceWorks() {
        int limitMb = 64;
        Instance instance = runtime.start(new InstanceSpec(FunctionId.parse("hungry-1"), limitMb));
        runtime.init(instance, new FunctionDefinition(FunctionId.parse("hungry-1"), """
                def user_function(megabytes):
                    hoard = bytearray(megabytes * 1024 * 1024)
                    return len(hoard)
                """, "user_function", new FunctionLimits(Duration.ofSeconds(10), limitMb, 4),
                Instant.now(), "0".repeat(64)));

        Throwable failure = catchThrowable(() -> runtime.run(instance, "{\"megabytes\":" + 2 * limitMb + "}",
                Duration.ofSeconds(20)));

        assertThat(failure).isNotNull();
        if (failure instanceof InstanceCrashedException crash) {
            assertThat(crash.outOfMemory()).isTrue();
            assertThat(crash.getMessage()).contains("ran out of memory").contains(limitMb + " MB");
            assertThat(runtime.running()).doesNotContain(instance.id());
            assertThat(containersOfInstance(instance)).isEmpty();
        } else {
            // With cgroup v1 the allocation itself may fail inside Python instead.
            assertThat(failure).isInstanceOfSatisfying(FunctionRaisedException.class,
                    raised -> assertThat(raised.errorType()).isEqualTo("MemoryError"));
        }
        assertThat(runtime.run(started(SEED_CODE, "user_function", Duration.ofSeconds(10)), "{\"name\":\"again\"}",
                Duration.ofSeconds(10)).resultJson()).isEqualTo("\"Hello, again!\"");
    }

    @Test
    void givenEndlessLoop_run_removesTheContainer() {
        Instance instance = started("def user_function():\n    while True:\n        pass\n", "user_function",
                Duration.ofSeconds(10));

        assertThatThrownBy(() -> runtime.run(instance, "{}", Duration.ofMillis(500)))
                .isInstanceOf(InstanceTimeoutException.class);

        assertThat(containersOfInstance(instance)).isEmpty();
        assertThat(socketRoot.resolve(instance.id())).doesNotExist();
    }

    @Test
    void givenContainerKilledDuringACall_run_failsLongBeforeItsDeadline() throws Exception {
        Instance instance = started("import time\ndef user_function():\n    time.sleep(10)\n    return 'woke'\n",
                "user_function", Duration.ofSeconds(10));
        String containerId = containerOf(instance).getId();
        AtomicReference<Thread> caller = new AtomicReference<>();
        CompletableFuture<RunOutput> call = CompletableFuture.supplyAsync(() -> {
            caller.set(Thread.currentThread());
            return runtime.run(instance, "{}", Duration.ofSeconds(30));
        });
        // The call is sent and its reply awaited: the kill comes during the call.
        Waiting.untilInside(caller::get, "RunnerFrames.read");

        docker.killContainerCmd(containerId).exec();
        // A liveness bound, a third of the call's 30 s deadline: the death is noticed, not waited out.
        Throwable failure = catchThrowable(() -> call.get(10, TimeUnit.SECONDS));

        assertThat(failure).isInstanceOf(ExecutionException.class);
        assertThat(failure.getCause()).isInstanceOfSatisfying(InstanceCrashedException.class, crash -> {
            assertThat(crash.getMessage()).contains("died during the call").contains("exit status 137");
            assertThat(crash.outOfMemory()).isFalse();
        });
        assertThat(containersOfInstance(instance)).isEmpty();
    }

    @Test
    void givenMissingImage_start_saysHowToBuildIt() {
        DockerFunctionRuntime withoutImage = extra(new DockerFunctionRuntime(docker,
                settings().withImage("faas-no-such-image:never")));

        assertThat(withoutImage.imageAvailable()).isFalse();
        assertThatThrownBy(() -> withoutImage.start(InstanceSpec.prewarm(256)))
                .isInstanceOf(UnableToStartInstanceException.class)
                .hasMessageContaining("python-base/build-image.sh --offline");
        assertThat(socketRoot).isEmptyDirectory();
    }

    @Test
    void givenMemoryTooSmallForPython_start_reportsTheRunnersEndAndLeavesNothing() {
        assertThatThrownBy(() -> runtime.start(InstanceSpec.prewarm(6)))
                .isInstanceOf(UnableToStartInstanceException.class)
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("ran out of memory", "exited with status"));

        assertThat(DockerTestEnvironment.containersLabelled(docker, Map.of("faas.node", NODE_ID))).isEmpty();
        assertThat(socketRoot).isEmptyDirectory();
    }

    @Test
    void givenStartTimeoutShorterThanPythonsStartup_start_saysSoAndLeavesNothing() {
        DockerFunctionRuntime impatient = extra(new DockerFunctionRuntime(docker, with(settings(),
                Duration.ofMillis(1), settings().nofile())));

        assertThatThrownBy(() -> impatient.start(InstanceSpec.prewarm(256)))
                .isInstanceOf(UnableToStartInstanceException.class)
                .hasMessageContaining("did not connect")
                .hasMessageContaining("within 1 ms");

        assertThat(DockerTestEnvironment.containersLabelled(docker, Map.of("faas.node", NODE_ID))).isEmpty();
        assertThat(socketRoot).isEmptyDirectory();
    }

    @Test
    void givenLimitTheEngineRejects_start_passesOnItsReasonAndLeavesNothing() {
        // Three open files are too few for the engine's own runc to set the container up.
        DockerFunctionRuntime starved = extra(new DockerFunctionRuntime(docker, with(settings(),
                Duration.ofSeconds(10), 3)));

        assertThatThrownBy(() -> starved.start(InstanceSpec.prewarm(256)))
                .isInstanceOf(UnableToStartInstanceException.class)
                .hasMessageContaining("did not start the container")
                .hasMessageContaining("too many open files");

        assertThat(DockerTestEnvironment.containersLabelled(docker, Map.of("faas.node", NODE_ID))).isEmpty();
        assertThat(socketRoot).isEmptyDirectory();
    }

    @Test
    void givenRuntime_imageAndEngine_areReportedAvailable() {
        assertThat(DockerClients.engineAvailable(docker)).isTrue();
        assertThat(((DockerFunctionRuntime) runtime).imageAvailable()).isTrue();
    }

    @Test
    void givenEngineThatAnswers_available_isTrue_andFalseWithoutAnEngineOrOnceClosed() throws Exception {
        assertThat(runtime.available()).isTrue();

        try (DockerClient nowhere = DockerClients.create("unix:///nonexistent/faas-test/docker.sock")) {
            DockerFunctionRuntime withoutEngine = new DockerFunctionRuntime(nowhere, settings());
            extraRuntimes.add(withoutEngine);
            long start = System.nanoTime();
            assertThat(withoutEngine.available()).isFalse();
            // A liveness bound on the ping's 2 s timeout (a missing socket fails at once): available() never hangs.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
        DockerFunctionRuntime closed = new DockerFunctionRuntime(docker, settings());
        closed.close();
        assertThat(closed.available()).isFalse();
    }

    @Test
    void givenLeftoversOfThisNodeAndAnother_sweep_removesOnlyThisNodes() throws Exception {
        // A runtime that "crashed": its container and socket directory stay behind.
        DockerFunctionRuntime crashed = new DockerFunctionRuntime(docker, settings());
        Instance leftover = crashed.start(InstanceSpec.prewarm(256));
        String otherNode = DockerTestEnvironment.uniqueNodeId("other-");
        String otherContainer = docker.createContainerCmd(DockerTestEnvironment.image())
                .withLabels(Map.of("faas.managed", "true", "faas.node", otherNode))
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
                .exec().getId();
        Files.createDirectory(socketRoot.resolve(otherNode + "-1-abcdef"));
        try {
            DockerFunctionRuntime restarted = (DockerFunctionRuntime) runtime;
            Instance survivor = restarted.start(InstanceSpec.prewarm(256));

            int removed = restarted.sweep();

            assertThat(removed).isEqualTo(1);
            assertThat(containersOfInstance(leftover)).isEmpty();
            assertThat(socketRoot.resolve(leftover.id())).doesNotExist();
            assertThat(containersOfInstance(survivor)).hasSize(1);
            assertThat(socketRoot.resolve(otherNode + "-1-abcdef")).exists();
            assertThat(docker.inspectContainerCmd(otherContainer).exec().getConfig().getLabels())
                    .containsEntry("faas.node", otherNode);
            assertThat(restarted.sweep()).isZero();
        } finally {
            docker.removeContainerCmd(otherContainer).withForce(true).exec();
            crashed.close();
        }
    }

    private Container containerOf(Instance instance) {
        List<Container> containers = containersOfInstance(instance);
        assertThat(containers).as("containers of %s", instance.id()).hasSize(1);
        return containers.get(0);
    }

    private List<Container> containersOfInstance(Instance instance) {
        return DockerTestEnvironment.containersLabelled(docker, Map.of("faas.instance", instance.id()));
    }

    private static DockerRuntimeSettings with(DockerRuntimeSettings base, Duration startTimeout, int nofile) {
        return new DockerRuntimeSettings(base.image(), base.nodeId(), base.socketRoot(), startTimeout,
                base.pidsLimit(), base.tmpfsBytes(), base.cpus(), nofile, base.user(), base.logLimitBytes());
    }

    private <T extends FunctionRuntime> T extra(T runtime) {
        extraRuntimes.add(runtime);
        return runtime;
    }

    private static String bridgeGateway() {
        try {
            Network bridge = docker.inspectNetworkCmd().withNetworkId("bridge").exec();
            String gateway = bridge.getIpam().getConfig().get(0).getGateway();
            if (gateway != null && !gateway.isBlank()) {
                return gateway;
            }
        } catch (RuntimeException e) {
            // No default bridge: any private address of the host will do.
        }
        return "172.17.0.1";
    }
}
