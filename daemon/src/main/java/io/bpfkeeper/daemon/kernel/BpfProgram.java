package io.bpfkeeper.daemon.kernel;

import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.ffi.Pointer;

/** A program the daemon holds an fd of. */
public final class BpfProgram implements KernelObject {

    private static final int FIRST_LOG_SIZE = 256 * 1024;
    /** The kernel caps log_size at UINT_MAX >> 2 (1 GiB); 16 MiB is plenty for any real program. */
    private static final int MAX_LOG_SIZE = 16 * 1024 * 1024;

    private final Fd fd;
    private final ProgramInfo info;

    private BpfProgram(Fd fd, ProgramInfo info) {
        this.fd = fd;
        this.info = info;
    }

    /** A loaded program and, when the caller asked for one, the verifier's log. */
    public record Loaded(BpfProgram program, String log) {
    }

    /**
     * Loads a program. Without a requested log the first attempt runs without one, because the log
     * slows the verifier down; a rejected program is loaded again with a log, as libbpf does, so that
     * the caller learns why.
     *
     * @throws VerifierException when the kernel rejects the program and explains itself in a log
     */
    public static Loaded load(ProgramSpec spec) {
        if (!spec.maps().isEmpty() && !FeatureProbe.kernelHasMapIndexes()) {
            throw new BpfException(BpfCommand.PROG_LOAD.kernelName(), Errno.EINVAL, "load program " + spec.name(),
                    "this kernel cannot refer to maps by index (BPF_PSEUDO_MAP_IDX needs Linux 5.14), and"
                            + " bpfkeeper takes no map file descriptors");
        }
        if (spec.logLevel() > 0) {
            return loadWithLog(spec, spec.logLevel());
        }
        try {
            return new Loaded(wrap(attempt(spec, 0, null, 0)), null);
        } catch (BpfException firstFailure) {
            Loaded retried = loadWithLog(spec, 1);
            // The retry succeeded where the first attempt failed: a transient failure such as EAGAIN.
            return new Loaded(retried.program(), null);
        }
    }

    private static Loaded loadWithLog(ProgramSpec spec, int logLevel) {
        for (int logSize = FIRST_LOG_SIZE; ; logSize *= 4) {
            try (NativeBuffer log = NativeBuffer.allocate(logSize)) {
                Fd fd;
                try {
                    fd = attempt(spec, logLevel, log.pointer(), logSize);
                } catch (BpfException e) {
                    if (e.errno() == Errno.ENOSPC && logSize < MAX_LOG_SIZE) {
                        continue;
                    }
                    String text = readLog(log.pointer(), logSize);
                    if (text.isEmpty()) {
                        throw e.withContext("load program " + spec.name());
                    }
                    throw new VerifierException(spec.name(), e, text);
                }
                return new Loaded(wrap(fd), readLog(log.pointer(), logSize));
            }
        }
    }

    private static Fd attempt(ProgramSpec spec, int logLevel, Pointer log, int logSize) {
        try (NativeBuffer instructions = NativeBuffer.copyOf(spec.instructions());
                NativeBuffer license = NativeBuffer.copyOf(spec.license().getBytes(StandardCharsets.UTF_8));
                FdLeases mapLeases = new FdLeases(); NativeBuffer fdArray = fdArray(spec.maps(), mapLeases)) {
            Pointer attr = BpfAttr.zeroed();
            BpfAttr.ProgLoad.PROG_TYPE.put(attr, spec.type().value());
            BpfAttr.ProgLoad.INSN_CNT.put(attr, spec.instructionCount());
            BpfAttr.ProgLoad.INSNS.put(attr, instructions.address());
            BpfAttr.ProgLoad.LICENSE.put(attr, license.address());
            BpfAttr.ProgLoad.PROG_NAME.putString(attr, spec.name());
            if (spec.expectedAttachType() != null) {
                BpfAttr.ProgLoad.EXPECTED_ATTACH_TYPE.put(attr, spec.expectedAttachType().value());
            }
            if (!spec.maps().isEmpty()) {
                BpfAttr.ProgLoad.FD_ARRAY.put(attr, fdArray.address());
            }
            if (log != null) {
                BpfAttr.ProgLoad.LOG_LEVEL.put(attr, logLevel);
                BpfAttr.ProgLoad.LOG_SIZE.put(attr, logSize);
                BpfAttr.ProgLoad.LOG_BUF.put(attr, log.address());
            }
            return Bpf.callForFd(BpfCommand.PROG_LOAD, attr);
        }
    }

    /** The daemon's own fds of the maps, as the ints of attr.fd_array, leased in {@code leases}. */
    private static NativeBuffer fdArray(List<BpfMap> maps, FdLeases leases) {
        NativeBuffer array = NativeBuffer.allocate((long) maps.size() * Integer.BYTES);
        for (int i = 0; i < maps.size(); i++) {
            array.pointer().putInt((long) i * Integer.BYTES, leases.add(maps.get(i).fd()));
        }
        return array;
    }

    private static String readLog(Pointer log, int size) {
        byte[] raw = new byte[size];
        log.get(0, raw, 0, size);
        int end = 0;
        while (end < size && raw[end] != 0) {
            end++;
        }
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }

    /** Takes ownership of a program fd and reads what the kernel says about it. */
    public static BpfProgram wrap(Fd fd) {
        return fd.into(owned -> new BpfProgram(owned, ObjectInfo.program(owned)));
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
        return ObjectKind.PROGRAM;
    }

    @Override
    public String name() {
        return info.name();
    }

    @Override
    public String typeName() {
        return info.type().name();
    }

    /** What the kernel said at load time. Run statistics in it are stale; call {@link #freshInfo()}. */
    public ProgramInfo info() {
        return info;
    }

    public ProgramInfo freshInfo() {
        return ObjectInfo.program(fd);
    }

    /** The outcome of BPF_PROG_TEST_RUN. */
    public record TestRunResult(int retval, byte[] dataOut, long durationNs) {
    }

    /**
     * Runs the program on {@code data} without attaching it (BPF_PROG_TEST_RUN).
     *
     * @param dataOutCapacity room for the packet the program leaves behind
     */
    public TestRunResult testRun(byte[] data, int repeat, int dataOutCapacity) {
        try (NativeBuffer in = NativeBuffer.copyOf(data); NativeBuffer out = NativeBuffer.allocate(dataOutCapacity)) {
            Pointer attr = BpfAttr.zeroed();
            BpfAttr.TestRun.DATA_IN.put(attr, in.address());
            BpfAttr.TestRun.DATA_SIZE_IN.put(attr, data.length);
            BpfAttr.TestRun.DATA_OUT.put(attr, out.address());
            BpfAttr.TestRun.DATA_SIZE_OUT.put(attr, dataOutCapacity);
            BpfAttr.TestRun.REPEAT.put(attr, repeat);
            try {
                Bpf.call(BpfCommand.PROG_TEST_RUN, attr, BpfAttr.TestRun.PROG_FD, fd);
            } catch (BpfException e) {
                throw e.withContext("test run of program " + info.id());
            }
            int outSize = Math.min(dataOutCapacity, BpfAttr.TestRun.DATA_SIZE_OUT.getInt(attr));
            byte[] dataOut = new byte[outSize];
            out.pointer().get(0, dataOut, 0, outSize);
            return new TestRunResult(BpfAttr.TestRun.RETVAL.getInt(attr), dataOut,
                    BpfAttr.TestRun.DURATION.get(attr));
        }
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "program " + info.id() + " (" + info.name() + ")";
    }
}
