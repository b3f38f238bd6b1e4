package io.bpfkeeper.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build's BPF step: daemon/src/test/bpf/xdp_count.bpf.c, compiled, loads and runs. */
class SampleBpfObjectTest {
    private static final short EM_BPF = 247;
    private static final int XDP_PASS = 2;

    @Test
    void theBuildCompiledItForBpf() throws Exception {
        ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(BpfTestObjects.path("xdp_count")))
                .order(ByteOrder.LITTLE_ENDIAN);

        assertThat(header.getInt(0)).as("ELF magic").isEqualTo(0x464c457f);
        assertThat(header.getShort(18)).as("e_machine").isEqualTo(EM_BPF);
    }

    @Test
    @KernelTest
    void loadsAndCountsThePacketsItRuns(@TempDir Path scratch) throws Exception {
        try (BpffsMount bpffs = BpffsMount.create()) {
            Path programs = bpffs.path().resolve("progs");
            Path maps = bpffs.path().resolve("maps");
            Bpftool.json("prog", "loadall", BpfTestObjects.path("xdp_count").toString(), programs.toString(),
                    "pinmaps", maps.toString());
            Path program = programs.resolve("xdp_count");
            int programId = Bpftool.json("prog", "show", "pinned", program.toString()).get("id").asInt();
            int counterId = Bpftool.json("map", "show", "pinned", maps.resolve("counter").toString()).get("id").asInt();
            Path packet = Files.write(scratch.resolve("packet"), new byte[64]);

            JsonNode run = Bpftool.json("prog", "run", "pinned", program.toString(),
                    "data_in", packet.toString(), "repeat", "3");

            JsonNode shown = Bpftool.progShow(programId);
            assertThat(shown.get("type").asText()).isEqualTo("xdp");
            assertThat(shown.get("map_ids")).extracting(JsonNode::asInt).containsExactly(counterId);
            assertThat(run.get("retval").asInt()).isEqualTo(XDP_PASS);
            long packetsCounted = ByteBuffer.wrap(Bpftool.mapLookup(counterId, new byte[4]))
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getLong();
            assertThat(packetsCounted).isEqualTo(3);
        }
    }
}
