package io.bpfkeeper.daemon.kernel;

import java.util.regex.Pattern;
import jnr.ffi.Pointer;

/**
 * Turns a bare EINVAL into an explanation, the way cilium/ebpf does: after a call fails, check the
 * rules that the kernel enforces silently, then probe whether the kernel has the feature at all.
 */
final class FeatureProbe {

    private static final int PAGE_SIZE = 4096;
    /** The characters the kernel's bpf_obj_name_cpy() accepts; StructField.putString checks the length. */
    private static final Pattern KERNEL_OBJECT_NAME = Pattern.compile("[A-Za-z0-9_.]*");

    /** r1 = map at fd_array index 0 (BPF_PSEUDO_MAP_IDX); r0 = 0; exit. */
    private static final byte[] MAP_INDEX_PROGRAM = java.util.HexFormat.of().parseHex(
            "1851000000000000" + "0000000000000000" + "b700000000000000" + "9500000000000000");
    private static volatile Boolean mapIndexes;

    private FeatureProbe() {
    }

    /**
     * Whether programs can refer to maps by their index in attr.fd_array (Linux 5.14), the only way
     * bpfkeeper lets a client's instructions reach a map. Probed once, with a program that does so.
     */
    static boolean kernelHasMapIndexes() {
        Boolean known = mapIndexes;
        if (known == null) {
            known = probeMapIndexes();
            mapIndexes = known;
        }
        return known;
    }

    private static boolean probeMapIndexes() {
        try (BpfMap map = BpfMap.create(new MapSpec("probe_idx", MapType.ARRAY, 4, 4, 1, 0));
                NativeBuffer code = NativeBuffer.copyOf(MAP_INDEX_PROGRAM);
                NativeBuffer license = NativeBuffer.copyOf("GPL".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                NativeBuffer fdArray = NativeBuffer.allocate(Integer.BYTES); Fd.Lease mapLease = map.fd().lease()) {
            fdArray.pointer().putInt(0, mapLease.number());
            Pointer attr = BpfAttr.zeroed();
            BpfAttr.ProgLoad.PROG_TYPE.put(attr, ProgramType.SOCKET_FILTER.value());
            BpfAttr.ProgLoad.INSN_CNT.put(attr, MAP_INDEX_PROGRAM.length / ProgramSpec.INSTRUCTION_SIZE);
            BpfAttr.ProgLoad.INSNS.put(attr, code.address());
            BpfAttr.ProgLoad.LICENSE.put(attr, license.address());
            BpfAttr.ProgLoad.FD_ARRAY.put(attr, fdArray.address());
            long result = Bpf.callReturningErrno(BpfCommand.PROG_LOAD, attr);
            if (result >= 0) {
                Fd.adopt((int) result).close();
                return true;
            }
            // An older kernel ignores fd_array and refuses src_reg 5 with EINVAL.
            return result != -Errno.EINVAL;
        }
    }

    static BpfException explainMapCreateFailure(MapSpec spec, BpfException failure) {
        if (failure.errno() != Errno.EINVAL) {
            return failure;
        }
        String rule = violatedMapRule(spec);
        if (rule != null) {
            return failure.withHint(rule);
        }
        if (!kernelHasMapType(spec.type())) {
            return failure.withHint("this kernel does not support map type " + spec.type().name());
        }
        return failure;
    }

    /** The documented per-type rules, checked only after the kernel refused, so never stricter. */
    private static String violatedMapRule(MapSpec spec) {
        MapType type = spec.type();
        if (!KERNEL_OBJECT_NAME.matcher(spec.name()).matches()) {
            return "map names may hold only letters, digits, '_' and '.'";
        }
        if (spec.maxEntries() == 0) {
            return "max_entries must be at least 1";
        }
        if (type.equals(MapType.RINGBUF) || type.equals(MapType.USER_RINGBUF)) {
            boolean powerOfTwoPages = spec.maxEntries() % PAGE_SIZE == 0
                    && Integer.bitCount(spec.maxEntries()) == 1;
            if (spec.keySize() != 0 || spec.valueSize() != 0 || !powerOfTwoPages) {
                return type.name() + " needs key_size 0, value_size 0 and a max_entries that is a power of 2"
                        + " and a multiple of the page size (" + PAGE_SIZE + ")";
            }
        }
        if ((type.equals(MapType.PROG_ARRAY) || type.equals(MapType.PERF_EVENT_ARRAY))
                && (spec.keySize() != 4 || spec.valueSize() != 4)) {
            return type.name() + " needs key_size 4 and value_size 4";
        }
        if ((type.equals(MapType.ARRAY) || type.equals(MapType.PERCPU_ARRAY)) && spec.keySize() != 4) {
            return type.name() + " needs key_size 4 (an index)";
        }
        if (type.isKeyless() && spec.keySize() != 0) {
            return type.name() + " needs key_size 0";
        }
        if (type.name().equals("lpm_trie") && (spec.flags() & 1) == 0) {
            return "lpm_trie needs flag BPF_F_NO_PREALLOC (1)";
        }
        return null;
    }

    /** Creates the smallest valid map of the type; only EINVAL means the kernel lacks it. */
    static boolean kernelHasMapType(MapType type) {
        if (type.isMapOfMaps()) {
            // Linux 4.12 has them; a probe would need an inner map, and inner_map_fd 0 is our stdin.
            return true;
        }
        int keySize = type.isKeyless() ? 0 : 4;
        int valueSize = 4;
        int maxEntries = 1;
        int flags = 0;
        if (type.equals(MapType.RINGBUF) || type.equals(MapType.USER_RINGBUF)) {
            keySize = 0;
            valueSize = 0;
            maxEntries = PAGE_SIZE;
        } else if (type.name().equals("lpm_trie")) {
            keySize = 8;
            flags = 1;
        }
        Pointer attr = BpfAttr.zeroed();
        BpfAttr.MapCreate.MAP_TYPE.put(attr, type.value());
        BpfAttr.MapCreate.KEY_SIZE.put(attr, keySize);
        BpfAttr.MapCreate.VALUE_SIZE.put(attr, valueSize);
        BpfAttr.MapCreate.MAX_ENTRIES.put(attr, maxEntries);
        BpfAttr.MapCreate.MAP_FLAGS.put(attr, flags);
        long result = Bpf.callReturningErrno(BpfCommand.MAP_CREATE, attr);
        if (result >= 0) {
            Fd.adopt((int) result).close();
            return true;
        }
        return result != -Errno.EINVAL;
    }
}
