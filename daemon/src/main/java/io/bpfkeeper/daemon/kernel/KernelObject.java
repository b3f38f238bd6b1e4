package io.bpfkeeper.daemon.kernel;

/** A BPF object held through an fd: closing it drops this reference, nothing more. */
public interface KernelObject extends AutoCloseable {

    Fd fd();

    /** The kernel id, stable for the object's whole life. */
    int id();

    ObjectKind kind();

    /** The name the kernel stores: at most 15 bytes. */
    String name();

    /** bpftool's name for the object's type, such as "hash" or "xdp". */
    String typeName();

    @Override
    void close();
}
