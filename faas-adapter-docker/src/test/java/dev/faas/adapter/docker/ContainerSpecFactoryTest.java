package dev.faas.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ulimit;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.out.InstanceSpec;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sandbox every container gets, checked on the spec alone: no Docker engine needed. */
class ContainerSpecFactoryTest {

    private static final Path SOCKET_DIRECTORY = Path.of("/run/faas-sockets/node-1-7-abcdef");
    private final ContainerSpecFactory factory = new ContainerSpecFactory(
            DockerRuntimeSettings.defaults("node-1", Path.of("/run/faas-sockets")));

    @Test
    void givenDefaults_create_isolatesTheContainerFromNetworkFilesAndPrivileges() {
        HostConfig host = factory.create("node-1-7-abcdef", new InstanceSpec(FunctionId.parse("hello-3"), 128),
                SOCKET_DIRECTORY).hostConfig();

        assertThat(host.getNetworkMode()).isEqualTo("none");
        assertThat(host.getReadonlyRootfs()).isTrue();
        assertThat(host.getTmpFs()).containsOnlyKeys("/tmp", "/run/secrets");
        assertThat(host.getTmpFs().get("/tmp")).contains("size=67108864", "noexec", "nosuid", "nodev");
        // Secrets live in memory, in a directory only the runner's user may enter.
        assertThat(host.getTmpFs().get("/run/secrets")).contains("noexec", "nosuid", "nodev", "mode=0700",
                "uid=10001", "gid=10001");
        assertThat(host.getCapDrop()).containsExactly(Capability.ALL);
        assertThat(host.getCapAdd()).isNullOrEmpty();
        assertThat(host.getSecurityOpts()).containsExactly("no-new-privileges");
        assertThat(host.getPrivileged()).isNull();
        assertThat(host.getIpcMode()).isEqualTo("private");
        assertThat(host.getShmSize()).isEqualTo(16L * 1024 * 1024);
        assertThat(host.getInit()).isTrue();
        assertThat(host.getBinds()).singleElement().satisfies(bind -> {
            assertThat(bind.getPath()).isEqualTo(SOCKET_DIRECTORY.toString());
            assertThat(bind.getVolume().getPath()).isEqualTo("/run/faas");
            assertThat(bind.getAccessMode()).isEqualTo(AccessMode.ro);
        });
    }

    @Test
    void givenDefaults_create_limitsPidsMemoryWithoutSwapCpuOpenFilesAndCoreDumps() {
        HostConfig host = factory.create("node-1-7-abcdef", new InstanceSpec(FunctionId.parse("hello-3"), 128),
                SOCKET_DIRECTORY).hostConfig();

        assertThat(host.getPidsLimit()).isEqualTo(64L);
        assertThat(host.getMemory()).isEqualTo(128L * 1024 * 1024);
        assertThat(host.getMemorySwap()).isEqualTo(host.getMemory());
        assertThat(host.getNanoCPUs()).isEqualTo(1_000_000_000L);
        assertThat(host.getUlimits()).extracting(Ulimit::getName, Ulimit::getSoftLong, Ulimit::getHardLong)
                .containsExactlyInAnyOrder(
                        tuple("nofile", 1024L, 1024L),
                        tuple("core", 0L, 0L));
        assertThat(host.getLogConfig().getConfig()).containsEntry("max-size", "1m");
    }

    @Test
    void givenGvisor_create_countsTheFunctionsTasksInsideItAndLeavesTheCgroupRoomForGvisorsOwn() {
        ContainerSpecFactory gvisor = new ContainerSpecFactory(
                DockerRuntimeSettings.defaults("node-1", Path.of("/run/faas-sockets")), true);

        HostConfig host = gvisor.create("node-1-7-abcdef", new InstanceSpec(FunctionId.parse("hello-3"), 128),
                SOCKET_DIRECTORY).hostConfig();

        // The Sentry, its gofer and a ptrace stub per function process share the cgroup: 64 would make it panic.
        assertThat(host.getPidsLimit()).isEqualTo(64L * 32 + 128);
        assertThat(host.getUlimits()).extracting(Ulimit::getName, Ulimit::getSoftLong, Ulimit::getHardLong)
                .containsExactlyInAnyOrder(
                        tuple("nofile", 1024L, 1024L),
                        tuple("core", 0L, 0L),
                        tuple("nproc", 64L, 64L));
    }

    @Test
    void runtimeEntries_areGvisor_onlyWhenTheirProgramIsRunsc() {
        assertThat(ContainerSpecFactory.isGvisor("/usr/bin/runsc")).isTrue();
        assertThat(ContainerSpecFactory.isGvisor("runsc")).isTrue();
        assertThat(ContainerSpecFactory.isGvisor("runc")).isFalse();
        assertThat(ContainerSpecFactory.isGvisor("/usr/local/bin/crun")).isFalse();
        assertThat(ContainerSpecFactory.isGvisor(null)).isFalse();
    }

    @Test
    void givenFunctionInstance_create_labelsNamesAndRunsTheSandboxedRunnerAsTheUnprivilegedUser() {
        ContainerSpec spec = factory.create("node-1-7-abcdef", new InstanceSpec(FunctionId.parse("hello-3"), 256),
                SOCKET_DIRECTORY);

        assertThat(spec.name()).isEqualTo("faas-node-1-7-abcdef");
        assertThat(spec.labels()).isEqualTo(Map.of("faas.managed", "true", "faas.node", "node-1",
                "faas.function", "hello-3", "faas.instance", "node-1-7-abcdef"));
        assertThat(spec.user()).isEqualTo("10001:10001");
        assertThat(spec.environment()).containsExactly("HOME=/tmp");
        // The entry point stacks the seccomp filter, then runs the image's runner, which connects read-only.
        assertThat(spec.entrypoint()).startsWith("python3", "-I", "-B", "-u", "-c")
                .endsWith("/opt/faas/faas_runner.py");
        assertThat(spec.entrypoint().get(5)).contains("seccomp").contains("ptrace");
        assertThat(spec.command()).containsExactly("--connect", "/run/faas/platform.sock", "--log-limit", "65536",
                "--secrets-dir", "/run/secrets");
    }

    @Test
    void givenPrewarmInstance_create_labelsItPrewarm() {
        ContainerSpec spec = factory.create("node-1-8-abcdef", InstanceSpec.prewarm(256), SOCKET_DIRECTORY);

        assertThat(spec.labels()).containsEntry("faas.function", "prewarm");
        assertThat(spec.hostConfig().getMemory()).isEqualTo(256L * 1024 * 1024);
    }
}
