package io.bpfkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.protocol.BpfkeeperInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProgCommandTest extends CliTest {
    /** r0 = 2 (XDP_PASS); exit. */
    private static final byte[] PASS = {(byte) 0xb7, 0, 0, 0, 2, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0};
    private static final String PASS_HEX = "b7000000020000009500000000000000";

    @Test
    void loadsInstructionsGivenInHex() throws Exception {
        daemon.answer(BpfkeeperInterface.LOAD_PROGRAM, "{\"object\":" + PROGRAM_OBJECT + "}");

        Result result = bpfkeeper("prog", "load", "drop", "--type", "xdp",
                "--insns", "b7 00 00 00 02 00 00 00 95 00 00 00 00 00 00 00");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("kind:      program\n").doesNotContain("verifier log");
        assertThat(daemon.nextCall(BpfkeeperInterface.LOAD_PROGRAM).toString()).isEqualTo(
                "{\"name\":\"drop\",\"type\":\"xdp\",\"instructions\":\"" + PASS_HEX + "\",\"license\":\"GPL\"}");
    }

    @Test
    void loadsTheRawInstructionsOfAFileWithEveryOption() throws Exception {
        Path file = Files.write(directory.resolve("pass.bin"), PASS);
        daemon.answer(BpfkeeperInterface.LOAD_PROGRAM,
                "{\"object\":" + PROGRAM_OBJECT + ",\"log\":\"processed 2 insns\\n\"}");

        Result result = bpfkeeper("prog", "load", "egress", "--type", "cgroup_skb", "--insns-file", file.toString(),
                "--license", "Dual MIT/GPL", "--expected-attach-type", "cgroup_inet_egress", "--log-level", "1",
                "--lifetime", "daemon", "--pin", "egress", "--label", "app=demo", "--map", "42", "--map", "43");

        assertThat(result.out()).endsWith("map ids:   42,43\n\nverifier log:\nprocessed 2 insns\n");
        assertThat(daemon.nextCall(BpfkeeperInterface.LOAD_PROGRAM).toString()).isEqualTo(
                "{\"name\":\"egress\",\"type\":\"cgroup_skb\",\"instructions\":\"" + PASS_HEX + "\","
                + "\"license\":\"Dual MIT/GPL\",\"expectedAttachType\":\"cgroup_inet_egress\",\"logLevel\":1,"
                + "\"lifetime\":\"daemon\",\"pin\":\"egress\",\"labels\":{\"app\":\"demo\"},\"maps\":[42,43]}");
    }

    @Test
    void printsTheVerifierLogBelowTheErrorWhenRejected() {
        daemon.fail(BpfkeeperInterface.LOAD_PROGRAM, BpfkeeperInterface.PROGRAM_REJECTED, """
                {"program":"bad","errno":13,"errnoName":"EACCES","log":"0: (95) exit\\nR0 !read_ok","logTruncated":true,
                  "message":"load program bad: BPF_PROG_LOAD: EACCES: the verifier rejected the program"}
                """);

        Result result = bpfkeeper("prog", "load", "bad", "--type", "xdp", "--insns", "9500000000000000");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err()).isEqualTo("""
                bpfkeeper: load program bad: BPF_PROG_LOAD: EACCES: the verifier rejected the program
                ...
                0: (95) exit
                R0 !read_ok
                """);
    }

    @Test
    void needsExactlyOneSourceOfInstructions() {
        assertThat(bpfkeeper("prog", "load", "drop", "--type", "xdp").err())
                .startsWith("bpfkeeper: Missing required argument (specify one of these): (--insns=HEX | "
                        + "--insns-file=FILE)");
        assertThat(bpfkeeper("prog", "load", "drop", "--type", "xdp", "--insns", "00", "--insns-file", "f").err())
                .startsWith("bpfkeeper: --insns=HEX, --insns-file=FILE are mutually exclusive");
        assertThat(daemon.receivedNoCall()).isTrue();
    }
}
