package io.bpfkeeper.daemon.kernel;

/**
 * Reads a file to its end, such as a BPF iterator, whose every read runs the iterator's program
 * further. The bytes land in native memory that this class frees, not in memory the collector
 * frees at some later time.
 */
public final class FdReader {

    /** Enough for a few hundred BPF fds per read; the kernel's own buffer for an iterator is 32 KiB. */
    private static final int FIRST_SIZE = 64 * 1024;

    private FdReader() {
    }

    /** Everything {@code fd} gives until end of file; {@code what} names it in errors. */
    public static byte[] readAll(Fd fd, String what) {
        NativeBuffer buffer = NativeBuffer.allocate(FIRST_SIZE);
        long capacity = FIRST_SIZE;
        long length = 0;
        try (Fd.Lease lease = fd.lease()) {
            while (true) {
                if (length == capacity) {
                    NativeBuffer larger = NativeBuffer.allocate(capacity * 2);
                    larger.pointer().transferFrom(0, buffer.pointer(), 0, length);
                    buffer.close();
                    buffer = larger;
                    capacity *= 2;
                }
                long read = LibC.INSTANCE.read(lease.number(), buffer.pointer().slice(length), capacity - length);
                if (read == 0) {
                    byte[] bytes = new byte[Math.toIntExact(length)];
                    buffer.pointer().get(0, bytes, 0, bytes.length);
                    return bytes;
                }
                if (read < 0) {
                    int errno = LibC.errno();
                    if (errno != Errno.EINTR) {
                        throw new BpfException("read", errno, "read " + what, Errno.description(errno));
                    }
                } else {
                    length += read;
                }
            }
        } finally {
            buffer.close();
        }
    }
}
