package io.bpfkeeper.daemon.kernel.libbpf;

import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.NativeBuffer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jnr.ffi.Pointer;

/**
 * libbpf's tc API: cls_bpf filters in direct-action mode on a device's clsact qdisc. libbpf talks
 * netlink from the calling thread, so devices are those of the calling thread's network namespace.
 * The kernel's tc subsystem holds each filter's program until the filter is deleted or its device
 * goes away; no fd of ours keeps it.
 */
public final class TcHooks {

    /** BPF_TC_INGRESS and BPF_TC_EGRESS: the two hooks of a clsact qdisc. */
    public static final int INGRESS = 1;
    public static final int EGRESS = 2;

    private static final LibBpf libbpf = LibBpf.INSTANCE;
    private static final Pattern KERNEL_MESSAGE = Pattern.compile("Kernel error message: (.+)");

    private TcHooks() {
    }

    /** A filter, by the priority and handle that name it on its hook, and the program it runs. */
    public record Filter(int priority, int handle, int programId) {
    }

    /** Adds a clsact qdisc to the device, unless it has one: the hooks live in it. */
    public static void createHook(int ifindex, int attachPoint) {
        try (LibbpfLog.Capture messages = LibbpfLog.capture(); NativeBuffer hook = hook(ifindex, attachPoint)) {
            int result = libbpf.bpf_tc_hook_create(hook.pointer());
            if (result < 0 && result != -Errno.EEXIST) {
                throw failure("bpf_tc_hook_create", result, messages);
            }
        }
    }

    /**
     * Adds a filter that runs {@code program}; a priority or handle of 0 lets the kernel pick one.
     * Fails with EEXIST where a filter has this priority and handle already.
     */
    public static Filter attach(int ifindex, int attachPoint, Fd program, int priority, int handle) {
        try (LibbpfLog.Capture messages = LibbpfLog.capture(); NativeBuffer hook = hook(ifindex, attachPoint);
                NativeBuffer options = options(priority, handle); Fd.Lease programLease = program.lease()) {
            TcOptsLayout.PROG_FD.put(options.pointer(), programLease.number());
            int result = libbpf.bpf_tc_attach(hook.pointer(), options.pointer());
            if (result < 0) {
                throw failure("bpf_tc_attach", result, messages);
            }
            return filter(options.pointer());
        }
    }

    /** The filter with this priority and handle, or null when the hook has none. */
    public static Filter query(int ifindex, int attachPoint, int priority, int handle) {
        try (LibbpfLog.Capture messages = LibbpfLog.capture(); NativeBuffer hook = hook(ifindex, attachPoint);
                NativeBuffer options = options(priority, handle)) {
            int result = libbpf.bpf_tc_query(hook.pointer(), options.pointer());
            if (result == -Errno.ENOENT) {
                return null;
            }
            if (result < 0) {
                throw failure("bpf_tc_query", result, messages);
            }
            return filter(options.pointer());
        }
    }

    /** Deletes the filter with this priority and handle. The qdisc stays: other filters may use it. */
    public static void detach(int ifindex, int attachPoint, int priority, int handle) {
        try (LibbpfLog.Capture messages = LibbpfLog.capture(); NativeBuffer hook = hook(ifindex, attachPoint);
                NativeBuffer options = options(priority, handle)) {
            int result = libbpf.bpf_tc_detach(hook.pointer(), options.pointer());
            if (result < 0) {
                throw failure("bpf_tc_detach", result, messages);
            }
        }
    }

    /** netlink's extended ack says more than the errno; libbpf prints it, and the error takes it up. */
    private static BpfException failure(String operation, int result, LibbpfLog.Capture messages) {
        BpfException failure = new BpfException(operation, -result);
        Matcher said = KERNEL_MESSAGE.matcher(messages.text());
        return said.find() ? failure.withHint(failure.hint() + " (the kernel says: " + said.group(1) + ")") : failure;
    }

    /**
     * The structs libbpf reads during a call live in memory freed when the call is over, not when
     * the collector sees their Pointer unused, which it may do while libbpf still reads them.
     */
    private static NativeBuffer hook(int ifindex, int attachPoint) {
        NativeBuffer hook = NativeBuffer.allocate(TcHookLayout.SIZE);
        TcHookLayout.SZ.put(hook.pointer(), TcHookLayout.SIZE);
        TcHookLayout.IFINDEX.put(hook.pointer(), ifindex);
        TcHookLayout.ATTACH_POINT.put(hook.pointer(), attachPoint);
        return hook;
    }

    private static NativeBuffer options(int priority, int handle) {
        NativeBuffer options = NativeBuffer.allocate(TcOptsLayout.SIZE);
        TcOptsLayout.SZ.put(options.pointer(), TcOptsLayout.SIZE);
        TcOptsLayout.PRIORITY.put(options.pointer(), priority);
        TcOptsLayout.HANDLE.put(options.pointer(), handle);
        return options;
    }

    private static Filter filter(Pointer options) {
        return new Filter(TcOptsLayout.PRIORITY.getInt(options), TcOptsLayout.HANDLE.getInt(options),
                TcOptsLayout.PROG_ID.getInt(options));
    }
}
