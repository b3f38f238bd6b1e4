package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.AttachType;
import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.LibC;
import io.bpfkeeper.daemon.kernel.NativeBuffer;
import jnr.ffi.Pointer;

/**
 * Perf event links (Linux 5.15): tracepoints and kprobes are perf events, and a link of type
 * BPF_PERF_EVENT runs a program on one. The link keeps the event open, so the event's own fd can
 * be closed once the link exists.
 */
final class PerfEvent {

    private static final AttachType PERF_EVENT = AttachType.byName("perf_event").orElseThrow();
    private static final long PERF_FLAG_FD_CLOEXEC = 1 << 3;
    private static final long ANY_PROCESS = -1;
    /**
     * Trace events fire on every CPU whichever CPU their perf event names, so one event on CPU 0
     * sees every call, as libbpf's attachments do.
     */
    private static final long CPU = 0;
    private static final long NO_GROUP = -1;

    private PerfEvent() {
    }

    /**
     * perf_event_open(2) of a PMU's event.
     *
     * @param config1 for kprobes, the address of the function's name
     * @param config2 for kprobes, the offset into the function
     */
    static Fd open(int pmuType, long config, long config1, long config2) {
        long fd;
        // Passed by address only: memory that the collector could free during the call will not do.
        try (NativeBuffer buffer = NativeBuffer.allocate(PerfEventAttrLayout.SIZE)) {
            Pointer attr = buffer.pointer();
            PerfEventAttrLayout.TYPE.put(attr, pmuType);
            PerfEventAttrLayout.SIZE_FIELD.put(attr, PerfEventAttrLayout.SIZE);
            PerfEventAttrLayout.CONFIG.put(attr, config);
            PerfEventAttrLayout.CONFIG1.put(attr, config1);
            PerfEventAttrLayout.CONFIG2.put(attr, config2);
            fd = LibC.INSTANCE.syscall(LibC.SYS_PERF_EVENT_OPEN, attr.address(), ANY_PROCESS, CPU, NO_GROUP,
                    PERF_FLAG_FD_CLOEXEC, 0);
        }
        if (fd < 0) {
            throw new BpfException("perf_event_open", LibC.errno());
        }
        return Fd.adopt((int) fd);
    }

    /** Links the program to the event, and closes the event's fd: the link holds the event now. */
    static BpfLink attach(BpfProgram program, Fd event, AttachOptions options) {
        try (event; Fd.Lease target = event.lease()) {
            return BpfLink.create(program, target.number(), PERF_EVENT, 0, options);
        }
    }
}
