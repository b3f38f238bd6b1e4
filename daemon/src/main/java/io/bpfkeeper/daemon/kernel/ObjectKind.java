package io.bpfkeeper.daemon.kernel;

import java.util.List;

/** The kinds of BPF object that have kernel ids, with the commands that walk and open them. */
public enum ObjectKind {
    MAP(BpfCommand.MAP_GET_NEXT_ID, BpfCommand.MAP_GET_FD_BY_ID, "map_id", "anon_inode:bpf-map"),
    PROGRAM(BpfCommand.PROG_GET_NEXT_ID, BpfCommand.PROG_GET_FD_BY_ID, "prog_id", "anon_inode:bpf-prog"),
    /**
     * The kernel names link fds in two ways: "bpf_link" for the fd that creates a link
     * (bpf_link_prime), "bpf-link" for fds opened later from a pin or an id (bpf_link_new_fd).
     */
    LINK(BpfCommand.LINK_GET_NEXT_ID, BpfCommand.LINK_GET_FD_BY_ID, "link_id", "anon_inode:bpf_link",
            "anon_inode:bpf-link"),
    BTF(BpfCommand.BTF_GET_NEXT_ID, BpfCommand.BTF_GET_FD_BY_ID, "btf_id", "anon_inode:btf");

    final BpfCommand nextId;
    final BpfCommand fdById;
    private final String fdInfoIdField;
    private final List<String> fdLinkTargets;

    ObjectKind(BpfCommand nextId, BpfCommand fdById, String fdInfoIdField, String... fdLinkTargets) {
        this.nextId = nextId;
        this.fdById = fdById;
        this.fdInfoIdField = fdInfoIdField;
        this.fdLinkTargets = List.of(fdLinkTargets);
    }

    /** The /proc/PID/fdinfo field that holds the id of an object of this kind. */
    public String fdInfoIdField() {
        return fdInfoIdField;
    }

    /** Whether {@code readlink /proc/PID/fd/N} showing {@code target} means an fd of this kind. */
    public boolean isFdLinkTarget(String target) {
        return fdLinkTargets.contains(target);
    }

    /** The kind an fd link target names, or null when it is not a BPF object with an id. */
    public static ObjectKind fromFdLinkTarget(String target) {
        for (ObjectKind kind : values()) {
            if (kind.isFdLinkTarget(target)) {
                return kind;
            }
        }
        return null;
    }

    /** "map", "program", "link", "btf": how bpftool and the Varlink interface name the kind. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
