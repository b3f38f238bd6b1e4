package io.bpfkeeper.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.protocol.types.Kind;
import org.junit.jupiter.api.Test;

/**
 * fd store names carry the object's kind, kernel id and owner's uid; names of older daemons, without
 * the uid, still parse; and nothing else parses as one.
 */
class FdStoreNameTest {

    @Test
    void aNameStandsForItsObjectAndItsOwner() {
        ObjectKey map = new ObjectKey(Kind.MAP, 42);
        ObjectKey program = new ObjectKey(Kind.PROGRAM, Integer.MAX_VALUE);
        assertThat(FdStoreName.of(map, 1000).text()).isEqualTo("map-42-uid-1000");
        assertThat(FdStoreName.parse("map-42-uid-1000")).isEqualTo(new FdStoreName("map-42-uid-1000", map, 1000));
        assertThat(FdStoreName.parse(FdStoreName.of(program, 0).text())).isEqualTo(FdStoreName.of(program, 0));
        // A uid above 2^31, as Java's int holds it.
        FdStoreName high = FdStoreName.of(map, (int) 4294967294L);
        assertThat(high.text()).isEqualTo("map-42-uid-4294967294");
        assertThat(FdStoreName.parse(high.text())).isEqualTo(high);
    }

    @Test
    void aNameOfAnOlderDaemonNamesNoOwner() {
        assertThat(FdStoreName.parse("map-42")).isEqualTo(new FdStoreName("map-42", new ObjectKey(Kind.MAP, 42), null));
        assertThat(FdStoreName.parse("link-7").key()).isEqualTo(new ObjectKey(Kind.LINK, 7));
    }

    @Test
    void aNameFitsInSystemdsLimitAndHasNoSeparator() {
        String longest = FdStoreName.of(new ObjectKey(Kind.ATTACHMENT, -1), -1).text();
        assertThat(longest).hasSizeLessThanOrEqualTo(255).doesNotContain(":").matches("[a-z0-9-]+");
    }

    @Test
    void namesThisDaemonDoesNotGiveParseAsNothing() {
        for (String foreign : new String[] {"varlink", "unknown", "stored", "map-", "map-x", "map-042", "-42",
                "queue-1", "MAP-1", "map-1-2", "map-99999999999", "map-1-uid-", "map-1-uid-x", "map-1-uid-01",
                "map-1-uid-1-uid-1", "map--uid-1", "map-1-uid-99999999999", "map-1-UID-1"}) {
            assertThat(FdStoreName.parse(foreign)).as(foreign).isNull();
        }
    }
}
