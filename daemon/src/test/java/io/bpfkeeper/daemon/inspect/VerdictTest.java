package io.bpfkeeper.daemon.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the verdict reads for no, one, two and more holders: pure text, no kernel. */
class VerdictTest {

    private static final Holder PROCESS = new Holder.ProcessFd(812, "agent", 7);
    private static final Holder PIN = new Holder.Pin(Path.of("/sys/fs/bpf/x"));
    private static final Holder PROGRAM = new Holder.UsingProgram(17, "filter");

    @Test
    void twoHoldersReadLikeTheIssuesExample() {
        assertThat(Verdict.of("map 42 (x)", List.of(PROCESS, PIN), false, List.of())).isEqualTo(
                "map 42 (x) stays alive while any of: process 812 (agent) holds fd 7 until it closes fd 7 or exits;"
                        + " pinned at /sys/fs/bpf/x until the pin is removed or its bpffs is unmounted (at the latest"
                        + " at reboot). It dies when both are gone. bpfkeeper does not own it.");
    }

    @Test
    void moreHoldersAreCounted() {
        assertThat(Verdict.of("map 42", List.of(PROCESS, PIN, PROGRAM), false, List.of()))
                .contains("It dies when all 3 are gone.");
    }

    @Test
    void withoutVisibleHoldersItSaysWhatItCannotSee() {
        assertThat(Verdict.of("program 5", List.of(), false, List.of("A note.")))
                .startsWith("program 5 exists, but bpfkeeper sees nothing that holds it")
                .contains("a tc filter or XDP program in a network namespace not named under /run/netns")
                .endsWith("bpfkeeper does not own it. A note.");
    }

    @Test
    void aGoneObjectIsSaidToBeGone() {
        assertThat(Verdict.gone("link 9")).isEqualTo("link 9 does not exist: the kernel has freed it, or it never"
                + " existed.");
    }
}
