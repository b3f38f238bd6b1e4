package io.bpfkeeper.daemon.kernel;

/** Maps for tests that need some real map, whatever its contents. */
final class TestMaps {

    private TestMaps() {
    }

    /** An array of one 8-byte value: the cheapest real map, and one that every kernel has. */
    static BpfMap oneEntryArray(String name) {
        return BpfMap.create(new MapSpec(name, MapType.ARRAY, 4, 8, 1, 0));
    }
}
