package io.bpfkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpfkeeper.protocol.client.AttachRequest;
import io.bpfkeeper.protocol.types.Direction;
import io.bpfkeeper.protocol.types.Hook;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.XdpMode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options of {@code bpfkeeper attach} become the Attach call that they ask for. */
class AttachCommandTest {

    private static AttachRequest request(String... args) {
        AttachCommand command = new AttachCommand();
        new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return command.request();
    }

    @Test
    void xdpOnADeviceOfANamespace() {
        assertThat(request("17", "xdp", "--interface", "veth0", "--netns", "blue", "--mode", "generic",
                "--lifetime", "session", "--pin", "links/xdp", "--label", "app=demo"))
                .isEqualTo(AttachRequest.xdp(17, "veth0").inNetns("blue").withMode(XdpMode.GENERIC)
                        .withLifetime(Lifetime.SESSION).withPin("links/xdp").withLabels(Map.of("app", "demo")));
    }

    @Test
    void tcFilterWithItsPriorityAndHandle() {
        assertThat(request("17", "tc", "--interface", "eth0", "--direction", "ingress", "--priority", "1",
                "--handle", "2"))
                .isEqualTo(AttachRequest.onInterface(17, Hook.TC, "eth0").withDirection(Direction.INGRESS)
                        .withFilter(1L, 2L));
    }

    @Test
    void tracepointAsCategoryAndName() {
        assertThat(request("17", "tracepoint", "--tracepoint", "syscalls/sys_enter_getpid"))
                .isEqualTo(AttachRequest.tracepoint(17, "syscalls", "sys_enter_getpid"));
        assertThatThrownBy(() -> request("17", "tracepoint", "--tracepoint", "sys_enter_getpid"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("CATEGORY/NAME");
    }

    @Test
    void cgroupAndKprobe() {
        assertThat(request("17", "cgroup", "--cgroup", "/sys/fs/cgroup/app", "--attach-type", "cgroup_inet4_connect"))
                .isEqualTo(AttachRequest.cgroup(17, "/sys/fs/cgroup/app").withAttachType("cgroup_inet4_connect"));
        assertThat(request("17", "kretprobe", "--function", "do_unlinkat", "--offset", "0"))
                .isEqualTo(AttachRequest.onFunction(17, Hook.KRETPROBE, "do_unlinkat").withOffset(0L));
    }
}
