package io.bpfkeeper.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.protocol.types.Kind;
import org.junit.jupiter.api.Test;

/** fd store names carry the object's kind and kernel id, and nothing else parses as one. */
class FdStoreNamesTest {

    @Test
    void aNameStandsForItsObject() {
        ObjectKey map = new ObjectKey(Kind.MAP, 42);
        ObjectKey program = new ObjectKey(Kind.PROGRAM, Integer.MAX_VALUE);
        assertThat(FdStoreNames.of(map)).isEqualTo("map-42");
        assertThat(FdStoreNames.parse(FdStoreNames.of(map))).isEqualTo(map);
        assertThat(FdStoreNames.parse(FdStoreNames.of(program))).isEqualTo(program);
    }

    @Test
    void namesThisDaemonDoesNotGiveParseAsNothing() {
        for (String foreign : new String[] {"varlink", "unknown", "stored", "map-", "map-x", "map-042", "-42",
                "queue-1", "MAP-1", "map-1-2", "map-99999999999"}) {
            assertThat(FdStoreNames.parse(foreign)).as(foreign).isNull();
        }
    }
}
