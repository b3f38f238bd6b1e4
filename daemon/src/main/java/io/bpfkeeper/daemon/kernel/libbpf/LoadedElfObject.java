package io.bpfkeeper.daemon.kernel.libbpf;

import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import java.util.List;

/**
 * The programs and maps of a loaded ELF object, each held through an fd of our own; libbpf's object
 * is closed already. Maps reused from elsewhere are not in the list: their owner keeps them.
 *
 * @param log what libbpf said during the load
 */
public record LoadedElfObject(List<ElfProgram> programs, List<ElfMap> maps, String log) implements AutoCloseable {

    /** A program and its names in the ELF object (the kernel keeps only 15 bytes of the name). */
    public record ElfProgram(String name, String section, BpfProgram program) {
    }

    /**
     * A map and its name in the ELF object.
     *
     * @param pin how the object pins it by name (LIBBPF_PIN_BY_NAME), or null when it does not
     */
    public record ElfMap(String name, BpfMap map, PinByName pin) {
    }

    /** A map that the object pins by name: whether the load made it, or took it from that pin. */
    public enum PinByName {
        /** A new map, to be pinned under its name. */
        NEW,
        /** The map that was pinned under its name already. */
        REUSED
    }

    /** Closes every fd, for when the caller cannot take ownership after all. */
    @Override
    public void close() {
        programs.forEach(program -> program.program().close());
        maps.forEach(map -> map.map().close());
    }
}
