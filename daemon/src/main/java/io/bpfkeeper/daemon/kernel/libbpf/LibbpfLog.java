package io.bpfkeeper.daemon.kernel.libbpf;

import io.bpfkeeper.daemon.logging.LogText;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures libbpf's messages per load. libbpf has one global print callback, but it calls it on the
 * thread that made the libbpf call, so a thread-local sink keeps concurrent loads apart without
 * serializing them. Nothing goes to stderr: messages land in the load's reply and the daemon log.
 */
final class LibbpfLog {

    private static final Logger log = LoggerFactory.getLogger("io.bpfkeeper.libbpf");
    private static final int LINE_LIMIT = 4096;
    private static final int LIBBPF_WARN = 0;
    private static final int LIBBPF_DEBUG = 2;

    /** vsnprintf, to format libbpf's printf-style messages with their va_list. */
    public interface Formatter {
        int vsnprintf(Pointer buffer, long size, Pointer format, Pointer args);
    }

    private static final Formatter FORMATTER = LibraryLoader.create(Formatter.class).load("c");
    private static final ThreadLocal<StringBuilder> SINK = new ThreadLocal<>();
    private static final ThreadLocal<Pointer> LINE = ThreadLocal.withInitial(
            () -> Memory.allocateDirect(LibBpf.RUNTIME, LINE_LIMIT, true));
    // A strong reference: the native side keeps only a raw pointer to the callback.
    private static final LibBpf.PrintCallback CALLBACK = LibbpfLog::print;

    static {
        LibBpf.INSTANCE.libbpf_set_print(CALLBACK);
    }

    private LibbpfLog() {
    }

    /**
     * Collects libbpf's messages on this thread until the returned capture is closed. The first call
     * installs the callback, through this class's initializer.
     */
    static Capture capture() {
        StringBuilder messages = new StringBuilder();
        SINK.set(messages);
        return new Capture(messages);
    }

    /** The messages of one load; closing it detaches the sink. */
    static final class Capture implements AutoCloseable {
        private final StringBuilder messages;

        private Capture(StringBuilder messages) {
            this.messages = messages;
        }

        String text() {
            return messages.toString();
        }

        @Override
        public void close() {
            SINK.remove();
        }
    }

    private static int print(int level, Pointer format, Pointer args) {
        if (level == LIBBPF_DEBUG) {
            // libbpf's debug level narrates every relocation; nobody reads that in a reply.
            return 0;
        }
        Pointer line = LINE.get();
        int length = FORMATTER.vsnprintf(line, LINE_LIMIT, format, args);
        if (length <= 0) {
            return 0;
        }
        byte[] bytes = new byte[Math.min(length, LINE_LIMIT - 1)];
        line.get(0, bytes, 0, bytes.length);
        String text = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder sink = SINK.get();
        if (sink != null) {
            sink.append(text);
        }
        if (level == LIBBPF_WARN) {
            log.warn("{}", LogText.oneLine(text.stripTrailing(), Integer.MAX_VALUE));
        } else {
            log.debug("{}", LogText.oneLine(text.stripTrailing(), Integer.MAX_VALUE));
        }
        return length;
    }
}
