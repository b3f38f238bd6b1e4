package io.bpfkeeper.daemon.kernel.libbpf;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.NativeLongByReference;

/**
 * The part of libbpf 1.x ({@code libbpf.so.1}) that bpfkeeper uses: loading ELF objects, tc filters,
 * XDP queries and kernel BTF. Only the 1.0 API: pointer-returning calls return NULL and set errno;
 * int-returning calls return -errno.
 */
public interface LibBpf {

    /** libbpf's print callback; {@code args} is a va_list that may be consumed once. */
    public interface PrintCallback {
        @Delegate
        int print(int level, Pointer format, Pointer args);
    }

    PrintCallback libbpf_set_print(PrintCallback callback);

    @SaveError
    Pointer bpf_object__open_mem(Pointer buffer, long size, Pointer openOptions);

    int bpf_object__load(Pointer object);

    void bpf_object__close(Pointer object);

    Pointer bpf_object__btf(Pointer object);

    Pointer bpf_object__next_program(Pointer object, Pointer previous);

    Pointer bpf_object__next_map(Pointer object, Pointer previous);

    String bpf_program__name(Pointer program);

    String bpf_program__section_name(Pointer program);

    boolean bpf_program__autoload(Pointer program);

    int bpf_program__fd(Pointer program);

    int bpf_program__type(Pointer program);

    int bpf_program__set_type(Pointer program, int type);

    int bpf_program__expected_attach_type(Pointer program);

    int bpf_program__set_expected_attach_type(Pointer program, int type);

    String bpf_map__name(Pointer map);

    int bpf_map__fd(Pointer map);

    int bpf_map__reuse_fd(Pointer map, int fd);

    /** Set at open for a map declared with LIBBPF_PIN_BY_NAME; NULL otherwise. */
    Pointer bpf_map__pin_path(Pointer map);

    /** NULL clears it: libbpf then neither reuses nor makes a pin for the map. */
    int bpf_map__set_pin_path(Pointer map, Pointer path);

    int bpf_map__type(Pointer map);

    int bpf_map__key_size(Pointer map);

    int bpf_map__value_size(Pointer map);

    int bpf_map__max_entries(Pointer map);

    boolean bpf_map__is_internal(Pointer map);

    Pointer bpf_map__initial_value(Pointer map, NativeLongByReference size);

    int btf__type_cnt(Pointer btf);

    Pointer btf__type_by_id(Pointer btf, int id);

    String btf__name_by_offset(Pointer btf, int offset);

    int libbpf_strerror(int error, Pointer buffer, long size);

    int bpf_tc_hook_create(Pointer hook);

    int bpf_tc_attach(Pointer hook, Pointer options);

    int bpf_tc_detach(Pointer hook, Pointer options);

    int bpf_tc_query(Pointer hook, Pointer options);

    int bpf_xdp_query(int ifindex, int flags, Pointer options);

    @SaveError
    Pointer btf__load_vmlinux_btf();

    @SaveError
    Pointer btf__load_from_kernel_by_id(int id);

    @SaveError
    Pointer btf__load_from_kernel_by_id_split(int id, Pointer base);

    void btf__free(Pointer btf);

    LibBpf INSTANCE = LibraryLoader.create(LibBpf.class).load("libbpf.so.1");

    Runtime RUNTIME = Runtime.getRuntime(INSTANCE);
}
