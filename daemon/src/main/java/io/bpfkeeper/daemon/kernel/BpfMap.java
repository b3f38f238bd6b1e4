package io.bpfkeeper.daemon.kernel;

import static io.bpfkeeper.daemon.kernel.BpfAttr.MapElem;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A map the daemon holds an fd of. Keys and values are byte arrays in the kernel's byte order; a
 * per-CPU map's value holds every possible CPU's value, each padded to 8 bytes.
 */
public final class BpfMap implements KernelObject {

    /** BPF_ANY, BPF_NOEXIST, BPF_EXIST. */
    public enum UpdateMode {
        ANY(0), NOEXIST(1), EXIST(2);

        final long flag;

        UpdateMode(long flag) {
            this.flag = flag;
        }
    }

    private final Fd fd;
    private final MapInfo info;

    private BpfMap(Fd fd, MapInfo info) {
        this.fd = fd;
        this.info = info;
    }

    /** Creates a map. The kernel's refusal comes back with a hint that names the bad input. */
    public static BpfMap create(MapSpec spec) {
        return create(spec, null);
    }

    /**
     * Creates a map; for a map of maps, {@code innerMap} is the template whose type and sizes the
     * maps stored in it must have.
     */
    public static BpfMap create(MapSpec spec, BpfMap innerMap) {
        Pointer attr = BpfAttr.zeroed();
        BpfAttr.MapCreate.MAP_TYPE.put(attr, spec.type().value());
        BpfAttr.MapCreate.KEY_SIZE.put(attr, spec.keySize());
        BpfAttr.MapCreate.VALUE_SIZE.put(attr, spec.valueSize());
        BpfAttr.MapCreate.MAX_ENTRIES.put(attr, spec.maxEntries());
        BpfAttr.MapCreate.MAP_FLAGS.put(attr, spec.flags());
        BpfAttr.MapCreate.MAP_NAME.putString(attr, spec.name());
        Fd fd;
        try {
            fd = innerMap == null ? Bpf.callForFd(BpfCommand.MAP_CREATE, attr)
                    : Bpf.callForFd(BpfCommand.MAP_CREATE, attr, BpfAttr.MapCreate.INNER_MAP_FD, innerMap.fd());
        } catch (BpfException e) {
            throw FeatureProbe.explainMapCreateFailure(spec, e).withContext("create map " + spec.name());
        }
        return wrap(fd);
    }

    /** Takes ownership of a map fd and reads what the kernel says about it. */
    public static BpfMap wrap(Fd fd) {
        return fd.into(owned -> new BpfMap(owned, ObjectInfo.map(owned)));
    }

    @Override
    public Fd fd() {
        return fd;
    }

    @Override
    public int id() {
        return info.id();
    }

    @Override
    public ObjectKind kind() {
        return ObjectKind.MAP;
    }

    @Override
    public String name() {
        return info.name();
    }

    @Override
    public String typeName() {
        return info.type().name();
    }

    public MapInfo info() {
        return info;
    }

    /** The value stored under {@code key}, or null when the key is not in the map. */
    public byte[] lookup(byte[] key) {
        requireLength("key", key.length, info.keySize());
        int valueOffset = Scratch.valueOffset(key.length);
        int valueSize = info.valueBufferSize();
        Pointer buffer = Scratch.get(valueOffset + valueSize);
        buffer.put(0, key, 0, key.length);
        Pointer attr = BpfAttr.zeroed();
        MapElem.KEY.put(attr, keyAddress(buffer, key));
        MapElem.VALUE.put(attr, buffer.address() + valueOffset);
        long result = Bpf.callReturningErrno(BpfCommand.MAP_LOOKUP_ELEM, attr, MapElem.MAP_FD, fd);
        if (result == -Errno.ENOENT) {
            return null;
        }
        failOnErrno(BpfCommand.MAP_LOOKUP_ELEM, result, "lookup in " + this);
        byte[] value = new byte[valueSize];
        buffer.get(valueOffset, value, 0, valueSize);
        return value;
    }

    /** Writes one entry; on a queue or stack (key size 0) it pushes {@code value}. */
    public void update(byte[] key, byte[] value, UpdateMode mode) {
        requireLength("key", key.length, info.keySize());
        requireLength("value", value.length, info.valueBufferSize());
        int valueOffset = Scratch.valueOffset(key.length);
        Pointer buffer = Scratch.get(valueOffset + value.length);
        buffer.put(0, key, 0, key.length);
        buffer.put(valueOffset, value, 0, value.length);
        Pointer attr = BpfAttr.zeroed();
        MapElem.KEY.put(attr, keyAddress(buffer, key));
        MapElem.VALUE.put(attr, buffer.address() + valueOffset);
        MapElem.FLAGS.put(attr, mode.flag);
        try {
            Bpf.call(BpfCommand.MAP_UPDATE_ELEM, attr, MapElem.MAP_FD, fd);
        } catch (BpfException e) {
            throw e.withContext("update " + this);
        }
    }

    /** Deletes {@code key}; false when it was not in the map. */
    public boolean delete(byte[] key) {
        requireLength("key", key.length, info.keySize());
        Pointer buffer = Scratch.get(key.length);
        buffer.put(0, key, 0, key.length);
        Pointer attr = BpfAttr.zeroed();
        MapElem.KEY.put(attr, keyAddress(buffer, key));
        long result = Bpf.callReturningErrno(BpfCommand.MAP_DELETE_ELEM, attr, MapElem.MAP_FD, fd);
        if (result == -Errno.ENOENT) {
            return false;
        }
        failOnErrno(BpfCommand.MAP_DELETE_ELEM, result, "delete from " + this);
        return true;
    }

    /** The key after {@code key} (the first key when it is null), or null at the end. */
    public byte[] nextKey(byte[] key) {
        int keySize = info.keySize();
        int nextOffset = Scratch.valueOffset(keySize);
        Pointer buffer = Scratch.get(nextOffset + keySize);
        Pointer attr = BpfAttr.zeroed();
        if (key != null) {
            requireLength("key", key.length, keySize);
            buffer.put(0, key, 0, key.length);
            MapElem.KEY.put(attr, buffer.address());
        }
        MapElem.NEXT_KEY.put(attr, buffer.address() + nextOffset);
        long result = Bpf.callReturningErrno(BpfCommand.MAP_GET_NEXT_KEY, attr, MapElem.MAP_FD, fd);
        if (result == -Errno.ENOENT) {
            return null;
        }
        failOnErrno(BpfCommand.MAP_GET_NEXT_KEY, result, "walk the keys of " + this);
        byte[] next = new byte[keySize];
        buffer.get(nextOffset, next, 0, keySize);
        return next;
    }

    /**
     * Writes {@code count} entries with BPF_MAP_UPDATE_BATCH, or one at a time where the kernel's batch
     * cannot: for map types without batch operations, and for the modes noexist and exist, which the
     * kernel's batch update refuses (it takes no element flag but BPF_F_LOCK). {@code keys} and
     * {@code values} hold the entries back to back.
     *
     * @return how many entries were written
     * @throws PartialBatchException when an entry fails; it says how many were written before it
     */
    public int updateBatch(byte[] keys, byte[] values, int count, UpdateMode mode) {
        requireLength("keys", keys.length, (long) count * info.keySize());
        requireLength("values", values.length, (long) count * info.valueBufferSize());
        if (count == 0) {
            return 0;
        }
        if (mode != UpdateMode.ANY) {
            return updateOneByOne(keys, values, count, mode);
        }
        long result;
        int reported;
        try (NativeBuffer keyBuffer = NativeBuffer.copyOf(keys); NativeBuffer valueBuffer = NativeBuffer.copyOf(values)) {
            Pointer attr = BpfAttr.zeroed();
            BpfAttr.Batch.KEYS.put(attr, keyBuffer.address());
            BpfAttr.Batch.VALUES.put(attr, valueBuffer.address());
            BpfAttr.Batch.COUNT.put(attr, count);
            result = Bpf.callReturningErrno(BpfCommand.MAP_UPDATE_BATCH, attr, BpfAttr.Batch.MAP_FD, fd);
            reported = BpfAttr.Batch.COUNT.getInt(attr);
        }
        if (result >= 0) {
            return count;
        }
        int errno = (int) -result;
        if (errno == Errno.ENOTSUPP || errno == Errno.EOPNOTSUPP) {
            return updateOneByOne(keys, values, count, mode);
        }
        // The kernel writes back how many entries it wrote, but only once it reaches its loop; a
        // failure before that leaves our own count in place. A failing loop stops before the last
        // entry, so an unchanged count means that nothing was written.
        int written = reported < count ? reported : 0;
        BpfException failure = new BpfException(BpfCommand.MAP_UPDATE_BATCH.kernelName(), errno)
                .withContext("batch update " + this);
        throw new PartialBatchException(failure, written);
    }

    private int updateOneByOne(byte[] keys, byte[] values, int count, UpdateMode mode) {
        int keySize = info.keySize();
        int valueSize = info.valueBufferSize();
        for (int i = 0; i < count; i++) {
            try {
                update(java.util.Arrays.copyOfRange(keys, i * keySize, (i + 1) * keySize),
                        java.util.Arrays.copyOfRange(values, i * valueSize, (i + 1) * valueSize), mode);
            } catch (BpfException e) {
                throw new PartialBatchException(e, i);
            }
        }
        return count;
    }

    /**
     * Reads up to {@code capacity} entries with BPF_MAP_LOOKUP_BATCH, continuing from {@code cursor}.
     * Returns null when this map type has no batch lookup, so that the caller walks the keys instead.
     */
    public BatchChunk lookupBatch(BatchCursor cursor, int capacity) {
        int keySize = info.keySize();
        int valueSize = info.valueBufferSize();
        try (NativeBuffer keyBuffer = NativeBuffer.allocate((long) keySize * capacity);
                NativeBuffer valueBuffer = NativeBuffer.allocate((long) valueSize * capacity)) {
            return lookupBatch(cursor, capacity, keyBuffer.pointer(), valueBuffer.pointer());
        }
    }

    private BatchChunk lookupBatch(BatchCursor cursor, int capacity, Pointer keyBuffer, Pointer valueBuffer) {
        int keySize = info.keySize();
        int valueSize = info.valueBufferSize();
        Pointer attr = BpfAttr.zeroed();
        if (cursor.started) {
            BpfAttr.Batch.IN_BATCH.put(attr, cursor.token.address());
        }
        BpfAttr.Batch.OUT_BATCH.put(attr, cursor.next.address());
        BpfAttr.Batch.KEYS.put(attr, keyBuffer.address());
        BpfAttr.Batch.VALUES.put(attr, valueBuffer.address());
        BpfAttr.Batch.COUNT.put(attr, capacity);
        long result = Bpf.callReturningErrno(BpfCommand.MAP_LOOKUP_BATCH, attr, BpfAttr.Batch.MAP_FD, fd);
        int errno = (int) -result;
        if (result < 0 && (errno == Errno.ENOTSUPP || errno == Errno.EOPNOTSUPP)) {
            return null;
        }
        if (result < 0 && errno != Errno.ENOENT) {
            throw new BpfException(BpfCommand.MAP_LOOKUP_BATCH.kernelName(), errno)
                    .withContext("batch lookup in " + this);
        }
        int found = BpfAttr.Batch.COUNT.getInt(attr);
        byte[] keys = new byte[keySize * found];
        byte[] values = new byte[valueSize * found];
        keyBuffer.get(0, keys, 0, keys.length);
        valueBuffer.get(0, values, 0, values.length);
        cursor.advance();
        return new BatchChunk(keys, values, found, result < 0);
    }

    /** Where a batch walk stands: the kernel's opaque token between two BPF_MAP_LOOKUP_BATCH calls. */
    public static final class BatchCursor {
        // The token is a bucket index for hash maps and a key for the generic implementation.
        private final Pointer token;
        private final Pointer next;
        private boolean started;

        public BatchCursor(MapInfo info) {
            int size = Math.max(8, info.keySize());
            this.token = Memory.allocateDirect(LibC.RUNTIME, size, true);
            this.next = Memory.allocateDirect(LibC.RUNTIME, size, true);
        }

        private void advance() {
            byte[] copy = new byte[(int) next.size()];
            next.get(0, copy, 0, copy.length);
            token.put(0, copy, 0, copy.length);
            started = true;
        }
    }

    /** Entries of one batch lookup, back to back; {@code last} when the walk is done. */
    public record BatchChunk(byte[] keys, byte[] values, int count, boolean last) {
    }

    private static void failOnErrno(BpfCommand command, long result, String context) {
        if (result < 0) {
            throw new BpfException(command.kernelName(), (int) -result).withContext(context);
        }
    }

    /**
     * The kernel reads exactly the map's sizes from our buffers, whatever their length: a shorter
     * array would let it read stale or foreign native memory and store that.
     */
    private void requireLength(String what, int length, long expected) {
        if (length != expected) {
            throw new IllegalArgumentException(what + " of " + this + " must be " + expected + " bytes, not " + length
                    + (info.type().isPerCpu() ? " (per-CPU values hold " + PossibleCpus.count()
                            + " slots of " + info.perCpuStride() + " bytes)" : ""));
        }
    }

    /**
     * Where the key lies, or NULL for maps without keys (queues, stacks): the kernel refuses a key
     * pointer with EINVAL when the key size is 0.
     */
    private static long keyAddress(Pointer buffer, byte[] key) {
        return key.length == 0 ? 0 : buffer.address();
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "map " + info.id() + " (" + info.name() + ")";
    }
}
