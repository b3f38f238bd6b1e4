package io.bpfkeeper.daemon.kernel;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * The few libc entry points the kernel layer needs. Everything BPF goes through {@link #syscall},
 * because libc has no bpf() wrapper and libbpf's wrappers would hide errno behind their own
 * conventions.
 */
public interface LibC {

    /** x86-64 syscall numbers. */
    long SYS_BPF = 321;
    long SYS_PERF_EVENT_OPEN = 298;
    long SYS_OPENAT2 = 437;

    /**
     * {@code syscall(2)}. Declared with fixed arguments: on x86-64 the variadic convention passes
     * integer arguments in the same registers, so this is safe for the integer-only calls we make.
     */
    @SaveError
    long syscall(long number, long arg1, long arg2, long arg3);

    /**
     * For system calls of five or six arguments, such as perf_event_open. It takes six even for five:
     * jnr-ffi 2.2's invoker of six long parameters (the number and five arguments) puts garbage in
     * the sixth register, as strace shows, where this signature passes every argument intact.
     */
    @SaveError
    long syscall(long number, long arg1, long arg2, long arg3, long arg4, long arg5, long arg6);

    /** Returns 0 when out of memory. */
    long calloc(long count, long size);

    void free(long pointer);

    @SaveError
    int close(int fd);

    @SaveError
    int fcntl(int fd, int cmd, int arg);

    @SaveError
    int getrlimit(int resource, Pointer rlimit);

    @SaveError
    int setrlimit(int resource, Pointer rlimit);

    @SaveError
    int setns(int fd, int nstype);

    @SaveError
    int open(String path, int flags, int mode);

    @SaveError
    int openat(int dirfd, String path, int flags, int mode);

    @SaveError
    int getpid();

    @SaveError
    long readlink(String path, Pointer buf, long size);

    /** The index of a network device in the calling thread's network namespace; 0 with errno if none. */
    @SaveError
    int if_nametoindex(String name);

    @SaveError
    int fstatfs(int fd, Pointer buf);

    @SaveError
    int mkdirat(int dirfd, String path, int mode);

    @SaveError
    int unlinkat(int dirfd, String path, int flags);

    @SaveError
    int fchownat(int dirfd, String path, int uid, int gid, int flags);

    /** glibc 2.33 and later export it as a function of its own. */
    @SaveError
    int fstatat(int dirfd, String path, Pointer statBuffer, int flags);

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    long send(int fd, Pointer buf, long length, int flags);

    @SaveError
    long read(int fd, Pointer buf, long count);

    @SaveError
    long recv(int fd, Pointer buf, long length, int flags);

    @SaveError
    int mount(String source, String target, String filesystemType, long flags, Pointer data);

    /** The process-wide instance; loading libc once is cheap and thread-safe afterwards. */
    LibC INSTANCE = LibraryLoader.create(LibC.class).load("c");

    Runtime RUNTIME = Runtime.getRuntime(INSTANCE);

    /** errno of the calling thread's last {@link SaveError} call. */
    static int errno() {
        return RUNTIME.getLastError();
    }
}
