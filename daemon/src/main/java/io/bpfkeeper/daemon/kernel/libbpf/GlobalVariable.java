package io.bpfkeeper.daemon.kernel.libbpf;

import java.util.LinkedHashMap;
import java.util.Map;
import jnr.ffi.Pointer;

/**
 * A global variable of an ELF object: where it lives in which data section. libbpf turns each of
 * {@code .rodata}, {@code .data} and {@code .bss} into an internal array map whose one value is the
 * section's bytes; the object's BTF describes the section (a DATASEC) and where each variable sits.
 */
record GlobalVariable(String name, String section, int offset, int size) {

    private static final int BTF_KIND_VAR = 14;
    private static final int BTF_KIND_DATASEC = 15;
    /** struct btf_type: name_off, info, size; a DATASEC is followed by vlen btf_var_secinfo. */
    private static final int BTF_TYPE_SIZE = 12;
    private static final int VAR_SECINFO_SIZE = 12;

    /** Every variable in a data section of the object's BTF, by name. */
    static Map<String, GlobalVariable> inBtf(Pointer btf) {
        LibBpf libbpf = LibBpf.INSTANCE;
        Map<String, GlobalVariable> variables = new LinkedHashMap<>();
        int types = libbpf.btf__type_cnt(btf);
        for (int id = 1; id < types; id++) {
            Pointer type = libbpf.btf__type_by_id(btf, id);
            int info = type.getInt(4);
            if (kind(info) != BTF_KIND_DATASEC) {
                continue;
            }
            String section = libbpf.btf__name_by_offset(btf, type.getInt(0));
            if (!isDataSection(section)) {
                continue;
            }
            for (int i = 0; i < vlen(info); i++) {
                long secinfo = BTF_TYPE_SIZE + (long) i * VAR_SECINFO_SIZE;
                Pointer variable = libbpf.btf__type_by_id(btf, type.getInt(secinfo));
                if (kind(variable.getInt(4)) != BTF_KIND_VAR) {
                    continue;
                }
                String name = libbpf.btf__name_by_offset(btf, variable.getInt(0));
                variables.put(name, new GlobalVariable(name, section, type.getInt(secinfo + 4),
                        type.getInt(secinfo + 8)));
            }
        }
        return variables;
    }

    /** Sections that hold initial values; .kconfig is filled by libbpf from the running kernel. */
    private static boolean isDataSection(String section) {
        return section.equals(".bss") || section.startsWith(".data") || section.startsWith(".rodata");
    }

    private static int kind(int info) {
        return (info >>> 24) & 0x1f;
    }

    private static int vlen(int info) {
        return info & 0xffff;
    }
}
