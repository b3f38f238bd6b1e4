package io.bpfkeeper.daemon.kernel.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.LibC;
import io.bpfkeeper.daemon.testing.KernelTest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The probe that turns a bare EINVAL from a tcx attach into "this kernel has no TCX; use tc". */
@KernelTest
class TcxProbeTest {

    @Test
    void findsTcxExactlyOnKernelsFrom6Point6() {
        Matcher version = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(System.getProperty("os.version"));
        assertThat(version.find()).isTrue();
        int major = Integer.parseInt(version.group(1));
        int minor = Integer.parseInt(version.group(2));
        boolean from6Point6 = major > 6 || (major == 6 && minor >= 6);

        int loopback = LibC.INSTANCE.if_nametoindex("lo");

        assertThat(Tcx.kernelHasTcx(loopback, AttachType.byName("tcx_ingress").orElseThrow()))
                .as("kernel " + System.getProperty("os.version")).isEqualTo(from6Point6);
    }
}
