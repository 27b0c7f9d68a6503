package dev.faas.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HostConfig;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.testkit.Closing;
import dev.faas.testkit.RequiresDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;

/**
 * What a function can do to the kernel from inside its container, asked from inside one: the engine's seccomp (and
 * AppArmor, where the host has it) profile is on, namespaces, mounts, keyrings and ptrace are refused, no core dumps,
 * and IPC is private with a small {@code /dev/shm}.
 */
@Tag("docker")
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerSandboxHardeningTest {

    @RegisterExtension
    static final DockerTestEnvironment ENGINE = DockerTestEnvironment.forNode("harden-");
    private static final String NODE_ID = ENGINE.nodeId();

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Tries each operation from inside the function and reports its return value and errno name. */
    private static final String PROBE = """
            import ctypes, errno, json, os, platform, resource, subprocess
            libc = ctypes.CDLL(None, use_errno=True)
            libc.ptrace.restype = ctypes.c_long
            libc.syscall.restype = ctypes.c_long
            KEYCTL, ADD_KEY = {"x86_64": (250, 248), "aarch64": (219, 217)}[platform.machine()]
            CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWIPC = 0x00020000, 0x10000000, 0x08000000
            PTRACE_TRACEME, PTRACE_ATTACH = 0, 16

            def attempt(call):
                ctypes.set_errno(0)
                result = call()
                return {"result": result, "errno": errno.errorcode.get(ctypes.get_errno(), "none")}

            def in_child(call):
                # Runs call in a forked child and returns what it reported, so a success cannot harm the runner.
                read_end, write_end = os.pipe()
                pid = os.fork()
                if pid == 0:
                    os.write(write_end, json.dumps(attempt(call)).encode())
                    os._exit(0)
                os.close(write_end)
                report = os.read(read_end, 4096)
                os.waitpid(pid, 0)
                return json.loads(report)

            def read(path):
                try:
                    with open(path) as file:
                        return file.read().strip()
                except OSError as error:
                    return "%s: %s" % (errno.errorcode.get(error.errno, error.errno), error.strerror)

            def user_function():
                sleeper = subprocess.Popen(["sleep", "30"])
                try:
                    attach = attempt(lambda: libc.ptrace(PTRACE_ATTACH, sleeper.pid, None, None))
                finally:
                    sleeper.kill()
                    sleeper.wait()
                shm = os.statvfs("/dev/shm")
                buffer = ctypes.create_string_buffer(8)
                local = (ctypes.c_void_p * 2)(ctypes.addressof(buffer), 8)
                return {
                    "status": {name: value.strip() for name, value in (line.split(":", 1)
                               for line in read("/proc/self/status").splitlines())
                               if name in ("Seccomp", "Seccomp_filters", "NoNewPrivs")},
                    "apparmor": read("/proc/self/attr/current"),
                    "unshare_user": in_child(lambda: libc.unshare(CLONE_NEWUSER)),
                    "unshare_mount": in_child(lambda: libc.unshare(CLONE_NEWNS)),
                    "unshare_ipc": in_child(lambda: libc.unshare(CLONE_NEWIPC)),
                    "mount": attempt(lambda: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)),
                    "ptrace_traceme": in_child(lambda: libc.ptrace(PTRACE_TRACEME, 0, None, None)),
                    "ptrace_attach": attach,
                    "process_vm_readv": attempt(lambda: libc.process_vm_readv(os.getpid(), local, 1, local, 1, 0)),
                    "keyctl": attempt(lambda: libc.syscall(KEYCTL, 0, -3, 0)),
                    "add_key": attempt(lambda: libc.syscall(ADD_KEY, b"user", b"probe", b"secret", 6, -3)),
                    "core_limit": list(resource.getrlimit(resource.RLIMIT_CORE)),
                    "shm_bytes": shm.f_blocks * shm.f_frsize,
                    "ipc_namespace": os.readlink("/proc/self/ns/ipc"),
                    "child_runs": subprocess.run(["python3", "-c", "print(6 * 7)"], capture_output=True,
                                                 text=True).stdout.strip(),
                }
            """;

    private DockerClient docker;
    private Path socketRoot;
    private DockerFunctionRuntime runtime;
    private Instance instance;
    private JsonNode probe;

    @BeforeAll
    void startOneInstanceAndProbe() throws Exception {
        docker = ENGINE.client();
        socketRoot = Files.createTempDirectory(Path.of("/tmp"), "harden");
        runtime = new DockerFunctionRuntime(docker, DockerRuntimeSettings.defaults(NODE_ID, socketRoot)
                .withImage(DockerTestEnvironment.image()));
        FunctionId id = FunctionId.parse("probe-1");
        instance = runtime.start(new InstanceSpec(id, 128));
        runtime.init(instance, new FunctionDefinition(id, PROBE, "user_function",
                new FunctionLimits(Duration.ofSeconds(20), 128, 1), Instant.now(), "0".repeat(64)));
        probe = JSON.readTree(runtime.run(instance, "{}", Duration.ofSeconds(20)).resultJson());
        System.out.println("sandbox probe from inside a function: " + probe.toPrettyString());
    }

    @AfterAll
    void removeEverything() throws Exception {
        Closing.all(runtime, () -> {
            if (socketRoot != null) {
                Files.deleteIfExists(socketRoot);
            }
        });
    }

    @Test
    void seccomp_isInFilterMode_asTheEnginesDefaultProfileAndTheEntryPointsFilterPutIt() {
        // A regression guard: the engine's default profile alone already gives "Seccomp: 2".
        assertThat(probe.at("/status/Seccomp").asText().strip()).isEqualTo("2");
        assertThat(probe.at("/status/Seccomp_filters").asText().strip())
                .as("the engine's profile and the entry point's filter").isEqualTo("2");
        assertThat(probe.at("/status/NoNewPrivs").asText().strip()).isEqualTo("1");
    }

    @Test
    void appArmor_confinesTheFunctionWhereverTheEngineHasIt() {
        List<String> engineSecurity = docker.infoCmd().exec().getSecurityOptions();
        boolean engineHasAppArmor = engineSecurity != null
                && engineSecurity.stream().anyMatch(option -> option.contains("name=apparmor"));
        String hostModule = hostAppArmorModule();
        String profile = probe.get("apparmor").asText();
        System.out.println("AppArmor: the engine's security options are " + engineSecurity
                + ", /sys/module/apparmor/parameters/enabled on this host reads '" + hostModule
                + "', and /proc/self/attr/current inside the function reads '" + profile + "'");

        if (engineHasAppArmor) {
            assertThat(profile).as("the engine's default AppArmor profile").startsWith("docker-default")
                    .endsWith("(enforce)");
        } else {
            // No AppArmor on this engine's host: the kernel has no profile to report (EINVAL) or says unconfined.
            assertThat(profile).as("without AppArmor").matches("unconfined|EINVAL: .*");
            assertThat(hostModule).as("this host's AppArmor module agrees").isNotEqualTo("Y");
        }
    }

    @Test
    void unshare_failsForUserMountAndIpcNamespaces() {
        for (String name : List.of("unshare_user", "unshare_mount", "unshare_ipc")) {
            assertRefused(name);
        }
    }

    @Test
    void mount_fails() {
        assertRefused("mount");
    }

    @Test
    void ptrace_failsForTracemeAndForAttachingToItsOwnChild_asDoesReadingAnotherProcessesMemory() {
        assertRefused("ptrace_traceme");
        assertRefused("ptrace_attach");
        assertRefused("process_vm_readv");
    }

    @Test
    void keyctlAndAddKey_fail() {
        assertRefused("keyctl");
        assertRefused("add_key");
    }

    @Test
    void coreDumps_areOff() {
        assertThat(probe.get("core_limit").toString()).isEqualTo("[0,0]");
    }

    @Test
    void ipc_isPrivate_withASixteenMegabyteDevShm() throws Exception {
        assertThat(probe.get("shm_bytes").asLong()).isEqualTo(16L * 1024 * 1024);
        assertThat(probe.get("ipc_namespace").asText())
                .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/ipc")).toString());
        HostConfig host = docker.inspectContainerCmd(containerId()).exec().getHostConfig();
        assertThat(host.getIpcMode()).isEqualTo("private");
        assertThat(host.getShmSize()).isEqualTo(16L * 1024 * 1024);
        assertThat(host.getUlimits()).anySatisfy(ulimit -> {
            assertThat(ulimit.getName()).isEqualTo("core");
            assertThat(ulimit.getSoftLong()).isZero();
            assertThat(ulimit.getHardLong()).isZero();
        });
    }

    @Test
    void theFunctionStillRunsChildProcesses_underTheSameFilter() {
        assertThat(probe.get("child_runs").asText()).isEqualTo("42");
    }

    private void assertRefused(String operation) {
        JsonNode outcome = probe.get(operation);
        assertThat(outcome.get("result").asLong()).as(operation + ": " + outcome).isEqualTo(-1);
        assertThat(outcome.get("errno").asText()).as(operation + ": " + outcome).isIn("EPERM", "ENOSYS");
    }

    private String containerId() {
        return DockerTestEnvironment.containersLabelled(docker, Map.of("faas.instance", instance.id())).get(0)
                .getId();
    }

    private static String hostAppArmorModule() {
        try {
            return Files.readString(Path.of("/sys/module/apparmor/parameters/enabled")).strip();
        } catch (java.io.IOException e) {
            return "(absent: " + e.getClass().getSimpleName() + ")";
        }
    }
}
