package io.bpfkeeper.daemon.kernel;

/** The kinds of BPF object that have kernel ids, with the commands that walk and open them. */
public enum ObjectKind {
    MAP(BpfCommand.MAP_GET_NEXT_ID, BpfCommand.MAP_GET_FD_BY_ID, "anon_inode:bpf-map", "map_id"),
    PROGRAM(BpfCommand.PROG_GET_NEXT_ID, BpfCommand.PROG_GET_FD_BY_ID, "anon_inode:bpf-prog", "prog_id"),
    LINK(BpfCommand.LINK_GET_NEXT_ID, BpfCommand.LINK_GET_FD_BY_ID, "anon_inode:bpf_link", "link_id"),
    BTF(BpfCommand.BTF_GET_NEXT_ID, BpfCommand.BTF_GET_FD_BY_ID, "anon_inode:btf", "btf_id");

    final BpfCommand nextId;
    final BpfCommand fdById;
    private final String fdLinkTarget;
    private final String fdInfoIdField;

    ObjectKind(BpfCommand nextId, BpfCommand fdById, String fdLinkTarget, String fdInfoIdField) {
        this.nextId = nextId;
        this.fdById = fdById;
        this.fdLinkTarget = fdLinkTarget;
        this.fdInfoIdField = fdInfoIdField;
    }

    /** The /proc/PID/fdinfo field that holds the id of an object of this kind. */
    public String fdInfoIdField() {
        return fdInfoIdField;
    }

    /** What {@code readlink /proc/PID/fd/N} shows for an fd of this kind. */
    public String fdLinkTarget() {
        return fdLinkTarget;
    }

    /** The kind an fd link target names, or null when it is not a BPF object with an id. */
    public static ObjectKind fromFdLinkTarget(String target) {
        for (ObjectKind kind : values()) {
            if (kind.fdLinkTarget.equals(target)) {
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
