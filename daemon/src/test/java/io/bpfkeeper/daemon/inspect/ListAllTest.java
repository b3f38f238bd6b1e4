package io.bpfkeeper.daemon.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.testing.BpfTestObjects;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.PrivateBpffs;
import io.bpfkeeper.daemon.testing.TestDaemon;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.SystemObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ListAll shows objects the daemon did not load too, as bpftool does, and marks the ones it owns. */
@KernelTest
class ListAllTest {

    @RegisterExtension
    final PrivateBpffs bpffs = new PrivateBpffs();

    @Test
    void marksOwnedObjectsAmongEveryObjectOnTheHost() {
        Path programs = bpffs.path().resolve("progs");
        Bpftool.json("prog", "loadall", BpfTestObjects.path("xdp_count").toString(), programs.toString());
        JsonNode foreignProgram = Bpftool.json("prog", "show", "pinned", programs.resolve("xdp_count").toString());
        try (TestDaemon daemon = TestDaemon.start(bpffs.path()); BpfkeeperClient client = daemon.client()) {
            BpfObject owned = client.createMap(CreateMapRequest.of("mine", "hash", 4, 8, 8));

            List<SystemObject> maps = client.listAll(Kind.MAP);
            List<SystemObject> all = client.listAll(null);

            assertThat(maps).extracting(SystemObject::kind).containsOnly(Kind.MAP);
            SystemObject mine = find(maps, owned.id());
            assertThat(mine.owned()).isTrue();
            assertThat(mine.lifetime()).isEqualTo(Lifetime.DAEMON);
            assertThat(mine.owner().uid()).isZero();
            assertThat(mine.type()).isEqualTo(Bpftool.mapShow((int) owned.id()).get("type").asText());
            SystemObject foreignMap = find(maps, foreignProgram.get("map_ids").get(0).asLong());
            assertThat(foreignMap.owned()).isFalse();
            assertThat(foreignMap.owner()).isNull();
            assertThat(foreignMap.name()).isEqualTo("counter");
            SystemObject program = find(all, foreignProgram.get("id").asLong());
            assertThat(program.kind()).isEqualTo(Kind.PROGRAM);
            assertThat(program.owned()).isFalse();
            assertThat(program.type()).isEqualTo("xdp");
            assertThat(program.mapIds()).containsExactly(foreignMap.id());
            assertThat(program.createdByUid()).isEqualTo(foreignProgram.get("uid").asLong());
        }
    }

    private static SystemObject find(List<SystemObject> objects, long id) {
        return objects.stream().filter(object -> object.id() == id).findFirst()
                .orElseThrow(() -> new AssertionError("object " + id + " is not listed"));
    }
}
