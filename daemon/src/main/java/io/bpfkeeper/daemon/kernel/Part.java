package io.bpfkeeper.daemon.kernel;

/**
 * The part of what a program was to be attached to that the kernel layer found at fault. It names
 * the thing, not how a request spells it: the api layer maps each part to its parameter.
 */
public enum Part {
    /** The program to attach: of a type, or loaded for a hook, that does not fit. */
    PROGRAM,
    /** The attach type of a cgroup hook. */
    ATTACH_TYPE,
    NETNS,
    /** A network namespace passed as an fd with the call. */
    NETNS_FD,
    /** A network device, by name. */
    INTERFACE,
    CGROUP,
    /** A kernel function that a kprobe or fentry program attaches to. */
    FUNCTION,
    TRACEPOINT_CATEGORY,
    TRACEPOINT_NAME,
    /** A tc filter's priority. */
    TC_PRIORITY
}
