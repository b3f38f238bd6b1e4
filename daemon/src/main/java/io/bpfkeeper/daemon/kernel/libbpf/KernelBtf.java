package io.bpfkeeper.daemon.kernel.libbpf;

import jnr.ffi.Pointer;

/**
 * Names in the kernel's BTF, through libbpf: what the type ids that the kernel reports stand for,
 * such as the function an fentry program was loaded for.
 */
public final class KernelBtf {

    private static final LibBpf libbpf = LibBpf.INSTANCE;

    private KernelBtf() {
    }

    /**
     * The name of type {@code typeId} of the kernel's BTF object {@code objectId}, or null when it
     * cannot be read. A module's BTF extends vmlinux's, and its ids continue vmlinux's; read alone,
     * it does not reach that far, so it is read on top of vmlinux's.
     */
    public static String typeName(int objectId, int typeId) {
        Pointer alone = libbpf.btf__load_from_kernel_by_id(objectId);
        try {
            if (alone != null && typeId < libbpf.btf__type_cnt(alone)) {
                return nameOf(alone, typeId);
            }
        } finally {
            free(alone);
        }
        Pointer vmlinux = libbpf.btf__load_vmlinux_btf();
        if (vmlinux == null) {
            return null;
        }
        Pointer module = libbpf.btf__load_from_kernel_by_id_split(objectId, vmlinux);
        try {
            return module != null && typeId < libbpf.btf__type_cnt(module) ? nameOf(module, typeId) : null;
        } finally {
            free(module);
            free(vmlinux);
        }
    }

    /** struct btf_type starts with name_off. */
    private static String nameOf(Pointer btf, int typeId) {
        return libbpf.btf__name_by_offset(btf, libbpf.btf__type_by_id(btf, typeId).getInt(0));
    }

    private static void free(Pointer btf) {
        if (btf != null) {
            libbpf.btf__free(btf);
        }
    }
}
