package io.bpfkeeper.daemon.kernel.link;

/**
 * Where a program is attached, one record per hook: what the client asked for, completed with what
 * the kernel chose (such as a tc filter's priority). Links and attachments keep theirs, so that the
 * daemon can say where each one is, and so that it can be written down and read back at a restart.
 * toString says it in words, such as "tcx ingress of eth0".
 */
public sealed interface AttachOptions
        permits Xdp.Options, Tcx.Options, Tc.Options, Cgroup.Options, Tracepoint.Options, Kprobe.Options,
        Tracing.Options {
}
