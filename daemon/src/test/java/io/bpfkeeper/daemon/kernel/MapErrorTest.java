package io.bpfkeeper.daemon.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.bpfkeeper.daemon.testing.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * The kernel's refusals come back typed, with the errno's name and a hint that names the input to
 * fix, in the form {@code context: OPERATION: ERRNO: hint}.
 */
@KernelTest
class MapErrorTest {

    @Test
    void zeroMaxEntries() {
        BpfException failure = createFails(new MapSpec("empty", MapType.HASH, 4, 8, 0, 0));

        assertThat(failure.errno()).isEqualTo(Errno.EINVAL);
        assertThat(failure).hasMessage("create map empty: BPF_MAP_CREATE: EINVAL: max_entries must be at least 1");
    }

    @Test
    void nameWithACharacterTheKernelRefuses() {
        BpfException failure = createFails(new MapSpec("my-map", MapType.HASH, 4, 8, 16, 0));

        assertThat(failure.errno()).isEqualTo(Errno.EINVAL);
        assertThat(failure).hasMessage(
                "create map my-map: BPF_MAP_CREATE: EINVAL: map names may hold only letters, digits, '_' and '.'");
    }

    @Test
    void keyAndValueTooLargeForTheKernelToAllocate() {
        BpfException failure = createFails(new MapSpec("huge", MapType.HASH, 1 << 30, 8, 16, 0));

        assertThat(failure.errno()).isEqualTo(Errno.E2BIG);
        assertThat(failure)
                .hasMessage("create map huge: BPF_MAP_CREATE: E2BIG: max_entries, key_size or value_size too large");
    }

    @Test
    void ringbufSizeThatIsNoPowerOfTwoPages() {
        BpfException failure = createFails(new MapSpec("ring", MapType.RINGBUF, 0, 0, 5000, 0));

        assertThat(failure.errno()).isEqualTo(Errno.EINVAL);
        assertThat(failure).hasMessage("create map ring: BPF_MAP_CREATE: EINVAL: ringbuf needs key_size 0,"
                + " value_size 0 and a max_entries that is a power of 2 and a multiple of the page size (4096)");
    }

    @Test
    void progArrayWithEightByteValues() {
        BpfException failure = createFails(new MapSpec("tails", MapType.PROG_ARRAY, 4, 8, 4, 0));

        assertThat(failure.errno()).isEqualTo(Errno.EINVAL);
        assertThat(failure)
                .hasMessage("create map tails: BPF_MAP_CREATE: EINVAL: prog_array needs key_size 4 and value_size 4");
    }

    @Test
    void mapTypeUnknownToTheKernel() {
        BpfException failure = createFails(new MapSpec("future", new MapType(9999), 4, 8, 4, 0));

        assertThat(failure.errno()).isEqualTo(Errno.EINVAL);
        assertThat(failure).hasMessage(
                "create map future: BPF_MAP_CREATE: EINVAL: this kernel does not support map type unknown_9999");
    }

    @Test
    void lookupOnARingbufIsNotSupported() {
        try (BpfMap ring = BpfMap.create(new MapSpec("ring", MapType.RINGBUF, 0, 0, 4096, 0))) {
            BpfException failure = catchThrowableOfType(BpfException.class, () -> ring.lookup(new byte[0]));

            // The kernel leaks its internal ENOTSUPP (524) here; EOPNOTSUPP would do as well.
            assertThat(failure.errnoName()).isIn("ENOTSUPP", "EOPNOTSUPP");
            assertThat(failure).hasMessage("lookup in " + ring + ": BPF_MAP_LOOKUP_ELEM: " + failure.errnoName()
                    + ": this object type does not support the operation");
        }
    }

    @Test
    void errnoNamesFollowTheKernelHeadersRatherThanLibc() {
        assertThat(Errno.name(524)).isEqualTo("ENOTSUPP");
        assertThat(Errno.name(95)).isEqualTo("EOPNOTSUPP");
        assertThat(Errno.name(7)).isEqualTo("E2BIG");
        assertThat(Errno.name(4242)).isEqualTo("E4242");
    }

    private static BpfException createFails(MapSpec spec) {
        BpfException failure = catchThrowableOfType(BpfException.class, () -> BpfMap.create(spec).close());
        assertThat(failure).as("creating " + spec + " fails").isNotNull();
        return failure;
    }
}
