package io.bpfkeeper.daemon.kernel;

import static io.bpfkeeper.daemon.kernel.LittleEndian.u32;
import static io.bpfkeeper.daemon.kernel.LittleEndian.u32At;
import static io.bpfkeeper.daemon.kernel.LittleEndian.u64;
import static io.bpfkeeper.daemon.kernel.LittleEndian.u64At;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpfkeeper.daemon.kernel.BpfMap.UpdateMode;
import io.bpfkeeper.daemon.testing.Bpftool;
import io.bpfkeeper.daemon.testing.KernelTest;
import io.bpfkeeper.daemon.testing.Processes.CommandFailedException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Maps created and used through {@link BpfMap}, checked with bpftool. */
@KernelTest
class BpfMapTest {

    private static final int BPF_F_NO_PREALLOC = 1;
    private static final int BPF_F_RDONLY_PROG = 128;
    private static final byte[] NO_KEY = new byte[0];

    static Stream<MapSpec> mapsOfEveryType() {
        return Stream.of(
                new MapSpec("hash_np", MapType.HASH, 4, 8, 64, BPF_F_NO_PREALLOC),
                new MapSpec("array_ro", MapType.ARRAY, 4, 8, 64, BPF_F_RDONLY_PROG),
                new MapSpec("percpu_hash", MapType.PERCPU_HASH, 8, 16, 32, 0),
                new MapSpec("percpu_array", MapType.PERCPU_ARRAY, 4, 12, 32, 0),
                new MapSpec("lru_hash", MapType.LRU_HASH, 16, 4, 128, 0),
                new MapSpec("lru_percpu_hash", MapType.LRU_PERCPU_HASH, 4, 4, 128, 0),
                new MapSpec("ringbuf", MapType.RINGBUF, 0, 0, 16384, 0),
                new MapSpec("prog_array", MapType.PROG_ARRAY, 4, 4, 8, 0),
                new MapSpec("queue", MapType.QUEUE, 0, 8, 16, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mapsOfEveryType")
    void createdMapIsWhatBpftoolShows(MapSpec spec) {
        try (BpfMap map = BpfMap.create(spec)) {
            JsonNode shown = Bpftool.mapShow(map.id());

            assertThat(shown.get("type").asText()).isEqualTo(spec.type().name());
            assertThat(shown.get("name").asText()).isEqualTo(spec.name());
            assertThat(shown.get("bytes_key").asInt()).isEqualTo(spec.keySize());
            assertThat(shown.get("bytes_value").asInt()).isEqualTo(spec.valueSize());
            assertThat(shown.get("max_entries").asInt()).isEqualTo(spec.maxEntries());
            assertThat(shown.get("flags").asInt()).isEqualTo(spec.flags());
            assertThat(map.info()).isEqualTo(new MapInfo(map.id(), spec.type(), spec.name(), spec.keySize(),
                    spec.valueSize(), spec.maxEntries(), spec.flags(), 0));
        }
    }

    @Test
    void updateModesAreEnforcedWithErrorsThatSayWhichMode() {
        try (BpfMap map = BpfMap.create(new MapSpec("modes", MapType.HASH, 4, 8, 16, 0))) {
            map.update(u32(1), u64(10), UpdateMode.NOEXIST);

            BpfException exists = catchThrowableOfType(BpfException.class,
                    () -> map.update(u32(1), u64(11), UpdateMode.NOEXIST));
            BpfException missing = catchThrowableOfType(BpfException.class,
                    () -> map.update(u32(2), u64(20), UpdateMode.EXIST));
            map.update(u32(1), u64(12), UpdateMode.EXIST);
            map.update(u32(2), u64(21), UpdateMode.ANY);

            assertThat(exists.errnoName()).isEqualTo("EEXIST");
            assertThat(exists).hasMessage("update " + map + ": BPF_MAP_UPDATE_ELEM: EEXIST:"
                    + " the key exists already (mode noexist)");
            assertThat(missing.errnoName()).isEqualTo("ENOENT");
            assertThat(missing).hasMessage("update " + map + ": BPF_MAP_UPDATE_ELEM: ENOENT:"
                    + " the key does not exist (mode exist)");
            assertThat(Bpftool.mapLookup(map.id(), u32(1))).containsExactly(u64(12));
            assertThat(Bpftool.mapLookup(map.id(), u32(2))).containsExactly(u64(21));
        }
    }

    @Test
    void deletedKeyIsGoneForBpftoolToo() {
        try (BpfMap map = BpfMap.create(new MapSpec("delete", MapType.HASH, 4, 8, 16, 0))) {
            map.update(u32(7), u64(70), UpdateMode.ANY);

            assertThat(map.delete(u32(7))).isTrue();
            assertThat(map.delete(u32(7))).isFalse();
            assertThat(map.lookup(u32(7))).isNull();
            assertThatThrownBy(() -> Bpftool.mapLookup(map.id(), u32(7)))
                    .isInstanceOf(CommandFailedException.class);
        }
    }

    @Test
    void nextKeyWalksEveryKeyExactlyOnce() {
        try (BpfMap map = BpfMap.create(new MapSpec("walk", MapType.HASH, 4, 8, 128, 0))) {
            List<Integer> written = IntStream.range(0, 100).map(i -> i * 7).boxed().toList();
            for (int key : written) {
                map.update(u32(key), u64(key), UpdateMode.ANY);
            }

            List<Integer> walked = new ArrayList<>();
            for (byte[] key = map.nextKey(null); key != null; key = map.nextKey(key)) {
                walked.add(u32At(key, 0));
            }

            assertThat(walked).containsExactlyInAnyOrderElementsOf(written);
        }
    }

    static Stream<MapType> keyedTypesWithPlainValues() {
        return Stream.of(MapType.HASH, MapType.ARRAY, MapType.LRU_HASH);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyedTypesWithPlainValues")
    void valuesTravelUnchangedBetweenBpfMapAndBpftool(MapType type) {
        try (BpfMap map = BpfMap.create(new MapSpec("round_trip", type, 4, 8, 16, 0))) {
            map.update(u32(3), u64(0x1122334455667788L), UpdateMode.ANY);
            BpftoolMaps.update(map.id(), u32(4), u64(0x0102030405060708L));

            assertThat(Bpftool.mapLookup(map.id(), u32(3))).containsExactly(u64(0x1122334455667788L));
            assertThat(map.lookup(u32(4))).containsExactly(u64(0x0102030405060708L));
        }
    }

    @Test
    void perCpuValuesTravelInEightByteSlotsOfEveryPossibleCpu() {
        try (BpfMap map = BpfMap.create(new MapSpec("percpu", MapType.PERCPU_ARRAY, 4, 4, 4, 0))) {
            int cpus = PossibleCpus.count();
            byte[] slots = new byte[8 * cpus];
            for (int cpu = 0; cpu < cpus; cpu++) {
                System.arraycopy(u32(1000 + cpu), 0, slots, 8 * cpu, 4);
            }
            map.update(u32(1), slots, UpdateMode.ANY);

            List<byte[]> seenByBpftool = BpftoolMaps.perCpuLookup(map.id(), u32(1));

            assertThat(map.info().valueBufferSize()).isEqualTo(8 * cpus);
            assertThat(seenByBpftool).hasSize(cpus);
            for (int cpu = 0; cpu < cpus; cpu++) {
                assertThat(seenByBpftool.get(cpu)).as("cpu " + cpu).containsExactly(u32(1000 + cpu));
            }
        }
    }

    @Test
    void perCpuValueWrittenByBpftoolReachesEverySlot() {
        try (BpfMap map = BpfMap.create(new MapSpec("percpu_h", MapType.PERCPU_HASH, 4, 4, 4, 0))) {
            BpftoolMaps.update(map.id(), u32(9), u32(0xabcdef));

            byte[] slots = map.lookup(u32(9));

            assertThat(slots).hasSize(8 * PossibleCpus.count());
            for (int cpu = 0; cpu < PossibleCpus.count(); cpu++) {
                assertThat(u32At(slots, 8 * cpu)).as("cpu " + cpu).isEqualTo(0xabcdef);
            }
        }
    }

    @Test
    void valueOfOneSlotIsRefusedForAPerCpuMapBeforeTheKernelReadsPastIt() {
        try (BpfMap map = BpfMap.create(new MapSpec("percpu_short", MapType.PERCPU_HASH, 4, 8, 4, 0))) {
            assertThatThrownBy(() -> map.update(u32(1), u64(1), UpdateMode.ANY))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("value of " + map + " must be " + 8 * PossibleCpus.count() + " bytes, not 8"
                            + " (per-CPU values hold " + PossibleCpus.count() + " slots of 8 bytes)");
            assertThatThrownBy(() -> map.updateBatch(u32(1), u64(1), 1, UpdateMode.ANY))
                    .isInstanceOf(IllegalArgumentException.class);

            assertThat(BpftoolMaps.dump(map.id())).isEmpty();
        }
    }

    @Test
    void keyOfTheWrongSizeIsRefused() {
        try (BpfMap map = BpfMap.create(new MapSpec("short_key", MapType.HASH, 8, 8, 4, 0))) {
            assertThatThrownBy(() -> map.update(u32(1), u64(1), UpdateMode.ANY))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("key of " + map + " must be 8 bytes, not 4");
            assertThatThrownBy(() -> map.lookup(u32(1))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> map.delete(u32(1))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> map.nextKey(u32(1))).isInstanceOf(IllegalArgumentException.class);

            assertThat(BpftoolMaps.dump(map.id())).isEmpty();
        }
    }

    @Test
    void queueIsPushedAndPeekedWithoutAKey() {
        try (BpfMap map = BpfMap.create(new MapSpec("queue", MapType.QUEUE, 0, 8, 4, 0))) {
            map.update(NO_KEY, u64(1), UpdateMode.ANY);
            map.update(NO_KEY, u64(2), UpdateMode.ANY);

            assertThat(map.lookup(NO_KEY)).containsExactly(u64(1));
            assertThat(BpftoolMaps.dequeue(map.id())).containsExactly(u64(1));
            assertThat(map.lookup(NO_KEY)).containsExactly(u64(2));
        }
    }

    @Test
    void updateBatchWritesTenThousandEntries() {
        int count = 10_000;
        try (BpfMap map = BpfMap.create(new MapSpec("batch", MapType.HASH, 4, 8, count, 0))) {
            int written = map.updateBatch(keys(0, count), values(0, count), count, UpdateMode.ANY);

            Map<Integer, Long> dumped = dumpOfU32KeysToU64Values(map);
            assertThat(written).isEqualTo(count);
            assertThat(dumped).hasSize(count);
            assertThat(dumped).allSatisfy((key, value) -> assertThat(value).isEqualTo(valueOf(key)));
        }
    }

    @Test
    void updateBatchFallsBackToSingleUpdatesWhereTheMapTypeHasNone() {
        try (BpfMap map = BpfMap.create(new MapSpec("queue_batch", MapType.QUEUE, 0, 8, 8, 0))) {
            // Queues have no batch operations in the kernel (queue_stack_maps.c): lookup says so too.
            assertThat(map.lookupBatch(new BpfMap.BatchCursor(map.info()), 8)).isNull();

            int written = map.updateBatch(NO_KEY, values(0, 3), 3, UpdateMode.ANY);

            assertThat(written).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                assertThat(BpftoolMaps.dequeue(map.id())).containsExactly(u64(valueOf(i)));
            }
        }
    }

    @Test
    void failedFallbackReportsTheEntriesWrittenBeforeIt() {
        try (BpfMap map = BpfMap.create(new MapSpec("queue_full", MapType.QUEUE, 0, 8, 3, 0))) {
            PartialBatchException failure = catchThrowableOfType(PartialBatchException.class,
                    () -> map.updateBatch(NO_KEY, values(0, 5), 5, UpdateMode.ANY));

            assertThat(failure.completed()).isEqualTo(3);
            assertThat(failure.errnoName()).isEqualTo("E2BIG");
            for (int i = 0; i < 3; i++) {
                assertThat(BpftoolMaps.dequeue(map.id())).containsExactly(u64(valueOf(i)));
            }
            assertThatThrownBy(() -> BpftoolMaps.dequeue(map.id())).isInstanceOf(CommandFailedException.class);
        }
    }

    @Test
    void partialKernelBatchReportsExactlyTheEntriesWritten() {
        try (BpfMap map = BpfMap.create(new MapSpec("array_batch", MapType.ARRAY, 4, 8, 10, 0))) {
            // Index 10 is past the end of the array: the kernel stops there.
            PartialBatchException failure = catchThrowableOfType(PartialBatchException.class,
                    () -> map.updateBatch(keys(0, 15), values(0, 15), 15, UpdateMode.ANY));

            assertThat(failure.completed()).isEqualTo(10);
            assertThat(failure.errnoName()).isEqualTo("E2BIG");
            assertThat(failure.hint()).contains("array index is out of range");
            Map<Integer, Long> dumped = dumpOfU32KeysToU64Values(map);
            assertThat(dumped).hasSize(10);
            assertThat(dumped).allSatisfy((key, value) -> assertThat(value).isEqualTo(valueOf(key)));
        }
    }

    @Test
    void noexistBatchStopsAtTheFirstKeyThatExists() {
        try (BpfMap map = BpfMap.create(new MapSpec("noexist_batch", MapType.HASH, 4, 8, 16, 0))) {
            map.update(u32(5), u64(-1), UpdateMode.ANY);

            PartialBatchException failure = catchThrowableOfType(PartialBatchException.class,
                    () -> map.updateBatch(keys(0, 10), values(0, 10), 10, UpdateMode.NOEXIST));

            assertThat(failure.completed()).isEqualTo(5);
            assertThat(failure).hasMessage("update " + map + ", at entry 5 of the batch: BPF_MAP_UPDATE_ELEM: EEXIST:"
                    + " the key exists already (mode noexist)");
            Map<Integer, Long> dumped = dumpOfU32KeysToU64Values(map);
            assertThat(dumped.keySet()).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
            assertThat(dumped.get(5)).isEqualTo(-1L);
        }
    }

    @Test
    void existBatchOverwritesKeysThatAreThere() {
        try (BpfMap map = BpfMap.create(new MapSpec("exist_batch", MapType.HASH, 4, 8, 16, 0))) {
            map.updateBatch(keys(0, 10), new byte[8 * 10], 10, UpdateMode.ANY);

            int written = map.updateBatch(keys(0, 10), values(0, 10), 10, UpdateMode.EXIST);

            assertThat(written).isEqualTo(10);
            assertThat(dumpOfU32KeysToU64Values(map))
                    .hasSize(10)
                    .allSatisfy((key, value) -> assertThat(value).isEqualTo(valueOf(key)));
        }
    }

    static Stream<MapType> batchLookupTypes() {
        return Stream.of(MapType.HASH, MapType.ARRAY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("batchLookupTypes")
    void lookupBatchReturnsEveryEntryExactlyOnce(MapType type) {
        int count = 1000;
        int chunkCapacity = 64;
        try (BpfMap map = BpfMap.create(new MapSpec("lookup_batch", type, 4, 8, count, 0))) {
            map.updateBatch(keys(0, count), values(0, count), count, UpdateMode.ANY);

            List<Integer> seen = new ArrayList<>();
            BpfMap.BatchCursor cursor = new BpfMap.BatchCursor(map.info());
            BpfMap.BatchChunk chunk;
            do {
                chunk = map.lookupBatch(cursor, chunkCapacity);
                assertThat(chunk.count()).isLessThanOrEqualTo(chunkCapacity);
                for (int i = 0; i < chunk.count(); i++) {
                    int key = u32At(chunk.keys(), 4 * i);
                    assertThat(u64At(chunk.values(), 8 * i)).as("value of key " + key).isEqualTo(valueOf(key));
                    seen.add(key);
                }
            } while (!chunk.last());

            assertThat(seen).containsExactlyInAnyOrderElementsOf(IntStream.range(0, count).boxed().toList());
        }
    }

    /** The value the batch tests store under {@code key}: distinct from the key, and easy to check. */
    private static long valueOf(int key) {
        return 3L * key + 1;
    }

    /** u32 keys {@code from} to {@code to - 1}, back to back. */
    private static byte[] keys(int from, int to) {
        ByteArrayOutputStream keys = new ByteArrayOutputStream();
        IntStream.range(from, to).forEach(key -> keys.writeBytes(u32(key)));
        return keys.toByteArray();
    }

    /** The u64 values of {@link #keys(int, int)}, back to back. */
    private static byte[] values(int from, int to) {
        ByteArrayOutputStream values = new ByteArrayOutputStream();
        IntStream.range(from, to).forEach(key -> values.writeBytes(u64(valueOf(key))));
        return values.toByteArray();
    }

    private static Map<Integer, Long> dumpOfU32KeysToU64Values(BpfMap map) {
        Map<Integer, Long> entries = new HashMap<>();
        for (JsonNode entry : BpftoolMaps.dump(map.id())) {
            Integer key = u32At(BpftoolMaps.bytes(entry.get("key")), 0);
            Long previous = entries.put(key, u64At(BpftoolMaps.bytes(entry.get("value")), 0));
            assertThat(previous).as("bpftool dumped key " + key + " twice").isNull();
        }
        return entries;
    }
}
