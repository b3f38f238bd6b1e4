package io.bpfkeeper.daemon.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.bpfkeeper.daemon.testing.Eventually;
import io.bpfkeeper.daemon.testing.KernelTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Walking and opening kernel objects by id through {@link KernelIds}. */
@KernelTest
class KernelIdsTest {

    private static final Duration FREE_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void walkOfMapIdsFindsAMapWeCreated() {
        try (BpfMap map = TestMaps.oneEntryArray("walked")) {
            List<Integer> ids = new ArrayList<>();
            for (OptionalInt id = KernelIds.next(ObjectKind.MAP, 0); id.isPresent();
                    id = KernelIds.next(ObjectKind.MAP, id.getAsInt())) {
                ids.add(id.getAsInt());
            }

            assertThat(ids).contains(map.id());
            assertThat(ids).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void openedByIdTheFdHoldsTheMapOfItsOwn() {
        BpfMap map = TestMaps.oneEntryArray("by_id");
        int id = map.id();
        try (map; Fd opened = KernelIds.open(ObjectKind.MAP, id)) {
            map.close();

            assertThat(ObjectIdentity.of(opened)).isEqualTo(new ObjectIdentity(ObjectKind.MAP, id));
            assertThat(KernelIds.exists(ObjectKind.MAP, id)).isTrue();
        }
        Eventually.until(FREE_TIMEOUT, () -> !KernelIds.exists(ObjectKind.MAP, id),
                "map " + id + " is freed once the fd opened by id is closed too");
    }

    @Test
    void openingAnIdThatIsGoneFailsWithENOENT() {
        int id;
        try (BpfMap map = TestMaps.oneEntryArray("gone")) {
            id = map.id();
        }
        Eventually.until(FREE_TIMEOUT, () -> !KernelIds.exists(ObjectKind.MAP, id), "map " + id + " is freed");

        BpfException failure = catchThrowableOfType(BpfException.class, () -> KernelIds.open(ObjectKind.MAP, id));

        assertThat(failure.errno()).isEqualTo(Errno.ENOENT);
        assertThat(failure).hasMessage("open map " + id + ": BPF_MAP_GET_FD_BY_ID: ENOENT: no map with that id");
    }
}
