package io.bpfkeeper.daemon.kernel;

import java.util.Map;

/**
 * What an errno usually means for a given kernel operation. The kernel says only "EINVAL"; users
 * need to know which of their inputs to look at, so every failure carries one of these hints.
 */
final class ErrnoHints {

    private static final Map<String, String> BY_OPERATION = Map.ofEntries(
            Map.entry("BPF_MAP_CREATE/" + Errno.E2BIG, "max_entries, key_size or value_size too large"),
            Map.entry("BPF_MAP_CREATE/" + Errno.EINVAL,
                    "the map type does not accept this key size, value size, max_entries or flags"),
            Map.entry("BPF_PROG_LOAD/" + Errno.EACCES, "the verifier rejected the program; see its log"),
            Map.entry("BPF_PROG_LOAD/" + Errno.EINVAL,
                    "malformed program: check its name (letters, digits, '_' and '.'), program type,"
                            + " expected attach type, instructions and license, or see the verifier log"),
            Map.entry("BPF_PROG_LOAD/" + Errno.E2BIG, "the program has too many instructions"),
            Map.entry("BPF_PROG_LOAD/" + Errno.ENOSPC, "the verifier log did not fit in its buffer"),
            Map.entry("BPF_PROG_LOAD/" + Errno.EPERM,
                    "the daemon lacks CAP_BPF, or CAP_PERFMON/CAP_NET_ADMIN/CAP_SYS_ADMIN for this program"
                            + " type, or a GPL-only helper is used without a GPL-compatible license"),
            Map.entry("BPF_MAP_LOOKUP_ELEM/" + Errno.ENOENT, "the key is not in the map"),
            Map.entry("BPF_MAP_DELETE_ELEM/" + Errno.ENOENT, "the key is not in the map"),
            Map.entry("BPF_MAP_DELETE_ELEM/" + Errno.EINVAL,
                    "this map type does not support deleting keys (arrays keep every index)"),
            Map.entry("BPF_MAP_UPDATE_ELEM/" + Errno.EEXIST, "the key exists already (mode noexist)"),
            Map.entry("BPF_MAP_UPDATE_ELEM/" + Errno.ENOENT, "the key does not exist (mode exist)"),
            Map.entry("BPF_MAP_UPDATE_ELEM/" + Errno.E2BIG,
                    "the map is full (max_entries reached), or the array index is out of range"),
            Map.entry("BPF_MAP_UPDATE_ELEM/" + Errno.EINVAL,
                    "the update mode or flags are not valid for this map type"),
            Map.entry("BPF_MAP_UPDATE_ELEM/" + Errno.EPERM, "the map fd is read-only, or the map is frozen"),
            Map.entry("BPF_MAP_UPDATE_BATCH/" + Errno.EEXIST, "a key exists already (mode noexist)"),
            Map.entry("BPF_MAP_UPDATE_BATCH/" + Errno.ENOENT, "a key does not exist (mode exist)"),
            Map.entry("BPF_MAP_UPDATE_BATCH/" + Errno.E2BIG,
                    "the map is full (max_entries reached), or an array index is out of range"),
            Map.entry("BPF_MAP_UPDATE_BATCH/" + Errno.EINVAL, "the flags are not valid for this map type"),
            Map.entry("BPF_OBJ_PIN/" + Errno.EPERM,
                    "bpffs refuses names that contain '.', or the directory is not writable"),
            Map.entry("BPF_OBJ_PIN/" + Errno.EEXIST, "a file exists at that path already"),
            Map.entry("BPF_OBJ_PIN/" + Errno.ENOENT, "the parent directory does not exist"),
            Map.entry("BPF_OBJ_PIN/" + Errno.EINVAL, "the path is not on a bpffs"),
            Map.entry("BPF_OBJ_GET/" + Errno.ENOENT, "no pin at that path"),
            Map.entry("BPF_OBJ_GET/" + Errno.EINVAL, "the path is not a BPF object on a bpffs"),
            Map.entry("BPF_OBJ_GET/" + Errno.EACCES, "no read/write permission on the pin"),
            Map.entry("BPF_MAP_GET_FD_BY_ID/" + Errno.ENOENT, "no map with that id"),
            Map.entry("BPF_PROG_GET_FD_BY_ID/" + Errno.ENOENT, "no program with that id"),
            Map.entry("BPF_LINK_GET_FD_BY_ID/" + Errno.ENOENT, "no link with that id"),
            Map.entry("BPF_MAP_GET_FD_BY_ID/" + Errno.EPERM, "the daemon lacks CAP_SYS_ADMIN"),
            Map.entry("BPF_PROG_GET_FD_BY_ID/" + Errno.EPERM, "the daemon lacks CAP_SYS_ADMIN"),
            Map.entry("BPF_LINK_GET_FD_BY_ID/" + Errno.EPERM, "the daemon lacks CAP_SYS_ADMIN"),
            Map.entry("BPF_LINK_CREATE/" + Errno.EINVAL,
                    "the program does not fit this hook (its type or expected attach type), or this kernel does"
                            + " not know the hook"),
            Map.entry("BPF_LINK_CREATE/" + Errno.EBUSY, "another program or link holds the hook"),
            Map.entry("BPF_LINK_DETACH/" + Errno.EOPNOTSUPP,
                    "the kernel can force only xdp, tcx, cgroup, netns and netkit links off their hooks; Release"
                            + " this link and remove its pins instead"));

    private ErrnoHints() {
    }

    static String hint(String operation, int errno) {
        String specific = BY_OPERATION.get(operation + "/" + errno);
        return specific != null ? specific : generic(errno);
    }

    private static String generic(int errno) {
        switch (errno) {
            case Errno.EPERM:
                return "the daemon lacks CAP_BPF (or CAP_SYS_ADMIN), or a sysctl, lockdown or LSM forbids it";
            case Errno.ENOMEM:
                return "the kernel could not allocate memory: check the memory cgroup limit, or"
                        + " RLIMIT_MEMLOCK on kernels before 5.11";
            case Errno.EMFILE:
                return "the daemon has no file descriptors left: raise LimitNOFILE";
            case Errno.EBADF:
                return "the object's file descriptor is not valid";
            case Errno.EFAULT:
                return "the kernel could not read an argument (a bug in bpfkeeper)";
            case Errno.ENOSYS:
                return "this kernel has no bpf() syscall (CONFIG_BPF_SYSCALL)";
            case Errno.EOPNOTSUPP:
            case Errno.ENOTSUPP:
                return "this object type does not support the operation";
            case Errno.EBUSY:
                return "the object or hook is in use";
            case Errno.E2BIG:
                return "an argument is too large, or the kernel does not know a newer field";
            case Errno.EINVAL:
                return "the kernel refused an argument";
            default:
                return Errno.description(errno);
        }
    }
}
