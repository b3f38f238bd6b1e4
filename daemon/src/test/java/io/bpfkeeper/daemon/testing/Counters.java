package io.bpfkeeper.daemon.testing;

import io.bpfkeeper.daemon.kernel.LibC;
import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.client.LoadedObject;
import io.bpfkeeper.protocol.types.BpfObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * The counting programs of the tests, which share {@code daemon/src/test/bpf/counter.h} (and, for
 * the tracing ones, {@code this_thread.h}): loading them through the daemon, and reading their
 * counter, through the daemon or, once it is gone, through bpftool.
 */
public final class Counters {

    /** x86-64 gettid(2). */
    private static final long SYS_GETTID = 186;
    private static final byte[] KEY = new byte[4];

    private Counters() {
    }

    /** A loaded program and its counter map. */
    public record Loaded(BpfObject program, BpfObject counter) {
    }

    /** Loads {@code request} and picks out the program called {@code program} and the map "counter". */
    public static Loaded load(BpfkeeperClient client, LoadObjectRequest request, String program) {
        LoadedObject loaded = client.loadObject(request);
        return new Loaded(named(loaded, program), named(loaded, "counter"));
    }

    /**
     * The request for a tracing program that counts only the calls of the calling thread: its global
     * target_pid_tgid (this_thread.h) is this thread's tgid and tid.
     *
     * @param name the object's name for LoadObject, at most 15 characters
     */
    public static LoadObjectRequest countingThisThread(String name, String object) {
        long pidTgid = (ProcessHandle.current().pid() << 32) | LibC.INSTANCE.syscall(SYS_GETTID, 0, 0, 0);
        byte[] value = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(pidTgid).array();
        return LoadObjectRequest.of(name, BpfTestObjects.bytes(object))
                .withGlobal("target_pid_tgid", HexFormat.of().formatHex(value));
    }

    /** The counter, through the daemon's MapLookup. */
    public static long read(BpfkeeperClient client, BpfObject counter) {
        return decode(HexFormat.of().parseHex(client.mapLookup(counter.id(), "00000000").orElseThrow().value()));
    }

    /** The counter, through bpftool: for when the daemon is gone. */
    public static long readWithBpftool(BpfObject counter) {
        return decode(Bpftool.mapLookup((int) counter.id(), KEY));
    }

    /**
     * How much the counter grows while {@code network} exchanges {@code datagrams}, read through
     * bpftool, so that it needs no daemon: at least one per datagram while the program is on their
     * way, none once it is off it.
     */
    public static long growthDuringExchange(TestNetwork network, int datagrams, BpfObject counter) {
        long before = readWithBpftool(counter);
        network.exchange(datagrams);
        return readWithBpftool(counter) - before;
    }

    private static long decode(byte[] value) {
        return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static BpfObject named(LoadedObject loaded, String name) {
        return loaded.objects().stream().filter(object -> object.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + loaded.objects()));
    }
}
