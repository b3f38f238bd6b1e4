package io.bpfkeeper.daemon.kernel.libbpf;

import io.bpfkeeper.daemon.kernel.BpfCommand;
import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Capabilities;
import io.bpfkeeper.daemon.kernel.Errno;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.MapInfo;
import io.bpfkeeper.daemon.kernel.NativeBuffer;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.daemon.kernel.VerifierException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Loads an ELF object (clang -target bpf) with libbpf: BTF-defined maps, global data, CO-RE
 * relocations against the running kernel, several programs sharing maps. Afterwards it dups the fds
 * it keeps and closes libbpf's object, so nothing of libbpf stays alive after the load returns.
 */
public final class ElfLoader {

    /** libbpf writes the verifier log of a failing program here; the tail names the bad instruction. */
    private static final int VERIFIER_LOG_SIZE = 4 * 1024 * 1024;
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};
    /** libbpf's own error codes start here; below are errnos. */
    private static final int LIBBPF_ERRNO_START = 4000;
    private static final Pattern FAILED_PROGRAM = Pattern.compile("prog '([^']+)': (?:BPF program load failed|failed to load)");

    private final LibBpf libbpf = LibBpf.INSTANCE;

    /**
     * Loads the object.
     *
     * @throws ElfObjectException when the object is malformed or an option does not fit it
     * @throws VerifierException when the kernel rejects a program; it names the program and has its log
     * @throws BpfException when the kernel refuses something else, such as a map
     */
    public LoadedElfObject load(ElfLoadSpec spec) {
        return load(spec, MapPins.NONE, programTypes -> Capabilities.Scope.NONE);
    }

    /**
     * Decides, once the object is open and before anything of it reaches the kernel, whether its
     * programs may be loaded, and with which capabilities.
     */
    @FunctionalInterface
    public interface Admission {
        /**
         * @param programTypes the types of the programs that will be loaded
         * @return what the load runs under, closed after it
         * @throws RuntimeException to refuse the load
         */
        Capabilities.Scope admit(Set<ProgramType> programTypes);
    }

    /**
     * Loads the object if {@code admission} admits its programs, under the scope it returns. The maps
     * it pins by name are reused from, and are to be pinned in, {@code pins}, and libbpf resolves no
     * pin path itself.
     */
    public LoadedElfObject load(ElfLoadSpec spec, MapPins pins, Admission admission) {
        if (!startsWithElfMagic(spec.elf())) {
            throw new ElfObjectException("not an ELF object: it does not start with \\x7fELF", null, "");
        }
        ElfCode.check(spec.elf());
        // libbpf keeps pointers to the ELF bytes and the log buffer until the object is closed,
        // which happens before these buffers are freed. The options too are freed here, not by the
        // collector: jnr's own memory of an argument that nothing uses after the call can be unmapped
        // while libbpf still reads it (8 concurrent loads crashed the daemon in bpf_object__open_mem).
        try (LibbpfLog.Capture messages = LibbpfLog.capture();
                NativeBuffer elf = NativeBuffer.copyOf(spec.elf());
                NativeBuffer verifierLog = NativeBuffer.allocate(VERIFIER_LOG_SIZE);
                NativeBuffer name = NativeBuffer.copyOf(spec.name().getBytes(StandardCharsets.UTF_8));
                NativeBuffer options = openOptions(name.pointer(), verifierLog.pointer())) {
            Pointer object = libbpf.bpf_object__open_mem(elf.pointer(), spec.elf().length, options.pointer());
            if (object == null) {
                int errno = LibBpf.RUNTIME.getLastError();
                throw new ElfObjectException("libbpf cannot open the object: " + describe(errno) + detail(messages),
                        null, messages.text());
            }
            try {
                List<Pointer> programs = programsOf(object, messages);
                applyProgramOverrides(spec, programs, messages);
                requireKnownProgramTypes(programs, messages);
                setGlobals(spec, object, messages);
                reuseMaps(spec, object, messages);
                Map<String, LoadedElfObject.PinByName> pinnedByName = takeOverPins(spec, object, pins, messages);
                int result;
                try (Capabilities.Scope scope = admission.admit(programTypes(programs))) {
                    result = libbpf.bpf_object__load(object);
                }
                if (result < 0) {
                    throw loadFailure(-result, programs, verifierLog.pointer(), messages);
                }
                return keep(spec, object, programs, pinnedByName, messages.text());
            } finally {
                libbpf.bpf_object__close(object);
            }
        }
    }

    private static boolean startsWithElfMagic(byte[] elf) {
        return elf.length >= ELF_MAGIC.length && java.util.Arrays.equals(elf, 0, ELF_MAGIC.length, ELF_MAGIC, 0,
                ELF_MAGIC.length);
    }

    private static NativeBuffer openOptions(Pointer name, Pointer verifierLog) {
        NativeBuffer buffer = NativeBuffer.allocate(OpenOptsLayout.SIZE);
        Pointer options = buffer.pointer();
        OpenOptsLayout.SZ.put(options, OpenOptsLayout.SIZE);
        OpenOptsLayout.OBJECT_NAME.put(options, name.address());
        // Level 0 with a buffer: programs load without a log, and libbpf retries a failing one at
        // level 1 into this buffer instead of printing it.
        OpenOptsLayout.KERNEL_LOG_BUF.put(options, verifierLog.address());
        OpenOptsLayout.KERNEL_LOG_SIZE.put(options, VERIFIER_LOG_SIZE);
        return buffer;
    }

    private List<Pointer> programsOf(Pointer object, LibbpfLog.Capture messages) {
        List<Pointer> programs = new ArrayList<>();
        for (Pointer p = libbpf.bpf_object__next_program(object, null); p != null;
                p = libbpf.bpf_object__next_program(object, p)) {
            programs.add(p);
        }
        if (programs.isEmpty()) {
            throw new ElfObjectException("the object has no programs", null, messages.text());
        }
        return programs;
    }

    private void applyProgramOverrides(ElfLoadSpec spec, List<Pointer> programs, LibbpfLog.Capture messages) {
        for (Map.Entry<String, ElfLoadSpec.ProgramOverride> entry : spec.programs().entrySet()) {
            Pointer program = programs.stream()
                    .filter(p -> libbpf.bpf_program__name(p).equals(entry.getKey()))
                    .findFirst()
                    .orElseThrow(() -> new ElfObjectException("the object has no program " + entry.getKey()
                            + "; it has " + names(programs, libbpf::bpf_program__name), "programs." + entry.getKey(),
                            messages.text()));
            ElfLoadSpec.ProgramOverride override = entry.getValue();
            if (override.type() != null) {
                check(libbpf.bpf_program__set_type(program, override.type().value()), "set type", messages);
            }
            if (override.expectedAttachType() != null) {
                check(libbpf.bpf_program__set_expected_attach_type(program, override.expectedAttachType().value()),
                        "set expected attach type", messages);
            }
        }
    }

    private Set<ProgramType> programTypes(List<Pointer> programs) {
        Set<ProgramType> types = new HashSet<>();
        for (Pointer program : programs) {
            if (libbpf.bpf_program__autoload(program)) {
                types.add(new ProgramType(libbpf.bpf_program__type(program)));
            }
        }
        return types;
    }

    /** libbpf 1.1 leaves a program of an unknown section untyped and fails late; say so early. */
    private void requireKnownProgramTypes(List<Pointer> programs, LibbpfLog.Capture messages) {
        for (Pointer program : programs) {
            if (libbpf.bpf_program__autoload(program) && libbpf.bpf_program__type(program) == 0) {
                String name = libbpf.bpf_program__name(program);
                throw new ElfObjectException("libbpf cannot tell the type of program " + name + " from its section \""
                        + libbpf.bpf_program__section_name(program) + "\"; give its type in programs." + name,
                        "programs." + name, messages.text());
            }
        }
    }

    private void setGlobals(ElfLoadSpec spec, Pointer object, LibbpfLog.Capture messages) {
        if (spec.globals().isEmpty()) {
            return;
        }
        Pointer btf = libbpf.bpf_object__btf(object);
        Map<String, GlobalVariable> variables = btf == null ? Map.of() : GlobalVariable.inBtf(btf);
        for (Map.Entry<String, byte[]> entry : spec.globals().entrySet()) {
            String option = "globals." + entry.getKey();
            GlobalVariable variable = variables.get(entry.getKey());
            if (variable == null) {
                throw new ElfObjectException("the object has no global variable " + entry.getKey()
                        + (variables.isEmpty() ? " (it has none, or no BTF)" : "; it has " + variables.keySet()),
                        option, messages.text());
            }
            byte[] value = entry.getValue();
            if (value.length != variable.size()) {
                throw new ElfObjectException("global " + variable.name() + " is " + variable.size() + " bytes, got "
                        + value.length, option, messages.text());
            }
            Pointer map = internalMap(object, variable.section());
            if (map == null) {
                throw new ElfObjectException("libbpf made no map for section " + variable.section() + " of global "
                        + variable.name(), option, messages.text());
            }
            writeInitialValue(map, variable, value, option, messages);
        }
    }

    private Pointer internalMap(Pointer object, String section) {
        for (Pointer map = libbpf.bpf_object__next_map(object, null); map != null;
                map = libbpf.bpf_object__next_map(object, map)) {
            if (libbpf.bpf_map__is_internal(map) && libbpf.bpf_map__name(map).endsWith(section)) {
                return map;
            }
        }
        return null;
    }

    private void writeInitialValue(Pointer map, GlobalVariable variable, byte[] value, String option,
            LibbpfLog.Capture messages) {
        jnr.ffi.byref.NativeLongByReference size = new jnr.ffi.byref.NativeLongByReference();
        Pointer data = libbpf.bpf_map__initial_value(map, size);
        if (data == null || variable.offset() + value.length > size.longValue()) {
            throw new ElfObjectException("cannot set global " + variable.name() + ": its section has no data",
                    option, messages.text());
        }
        data.put(variable.offset(), value, 0, value.length);
    }

    private void reuseMaps(ElfLoadSpec spec, Pointer object, LibbpfLog.Capture messages) {
        for (Map.Entry<String, BpfMap> entry : spec.reuseMaps().entrySet()) {
            String option = "reuseMaps." + entry.getKey();
            Pointer map = namedMap(object, entry.getKey());
            if (map == null) {
                throw new ElfObjectException("the object has no map " + entry.getKey(), option, messages.text());
            }
            reuse(map, entry.getKey(), entry.getValue(), option, messages);
        }
    }

    /** Puts {@code existing} in the place of the object's map {@code name}, if it fits. */
    private void reuse(Pointer map, String name, BpfMap existing, String option, LibbpfLog.Capture messages) {
        MapInfo info = existing.info();
        String mismatch = geometryMismatch(map, info);
        if (mismatch != null) {
            throw new ElfObjectException("map " + info.id() + " cannot stand in for " + name + ": " + mismatch, option,
                    messages.text());
        }
        // libbpf dups the fd, so the existing map stays its holder's.
        try (Fd.Lease reused = existing.fd().lease()) {
            check(libbpf.bpf_map__reuse_fd(map, reused.number()), "reuse map " + info.id(), messages);
        }
    }

    /**
     * Clears the pin path of every map that the object pins by name, so that libbpf resolves none,
     * and puts the map pinned under that name in {@code pins}, if any, in its place. A map in
     * reuseMaps is the caller's choice and gets no pin.
     */
    private Map<String, LoadedElfObject.PinByName> takeOverPins(ElfLoadSpec spec, Pointer object, MapPins pins,
            LibbpfLog.Capture messages) {
        Map<String, LoadedElfObject.PinByName> pinned = new java.util.HashMap<>();
        for (Pointer map = libbpf.bpf_object__next_map(object, null); map != null;
                map = libbpf.bpf_object__next_map(object, map)) {
            if (libbpf.bpf_map__pin_path(map) == null) {
                continue;
            }
            String name = libbpf.bpf_map__name(map);
            check(libbpf.bpf_map__set_pin_path(map, null), "clear the pin path of map " + name, messages);
            if (spec.reuseMaps().containsKey(name)) {
                continue;
            }
            if (name.isEmpty() || name.contains("/") || name.contains(".")) {
                throw new ElfObjectException("map \"" + name + "\" is pinned by name, and that name is no name of a"
                        + " pin (it is empty, or has a '/' or a '.')", null, messages.text());
            }
            Fd existing = pins.pinned(name);
            if (existing == null) {
                pinned.put(name, LoadedElfObject.PinByName.NEW);
                continue;
            }
            try (BpfMap pinnedMap = BpfMap.wrap(existing)) {
                reuse(map, name, pinnedMap, null, messages);
            }
            pinned.put(name, LoadedElfObject.PinByName.REUSED);
        }
        return pinned;
    }

    private Pointer namedMap(Pointer object, String name) {
        for (Pointer map = libbpf.bpf_object__next_map(object, null); map != null;
                map = libbpf.bpf_object__next_map(object, map)) {
            if (libbpf.bpf_map__name(map).equals(name)) {
                return map;
            }
        }
        return null;
    }

    /** libbpf's reuse_fd takes the existing map's geometry without checking it; we check. */
    private String geometryMismatch(Pointer declared, MapInfo existing) {
        List<String> differences = new ArrayList<>();
        compare(differences, "type", new io.bpfkeeper.daemon.kernel.MapType(libbpf.bpf_map__type(declared)).name(),
                existing.type().name());
        compare(differences, "key size", libbpf.bpf_map__key_size(declared), existing.keySize());
        compare(differences, "value size", libbpf.bpf_map__value_size(declared), existing.valueSize());
        compare(differences, "max entries", libbpf.bpf_map__max_entries(declared), existing.maxEntries());
        return differences.isEmpty() ? null : String.join(", ", differences);
    }

    private static void compare(List<String> differences, String what, Object declared, Object existing) {
        if (!declared.equals(existing)) {
            differences.add(what + " " + existing + " where the object declares " + declared);
        }
    }

    private RuntimeException loadFailure(int errno, List<Pointer> programs, Pointer verifierLog,
            LibbpfLog.Capture messages) {
        String log = verifierLog.getString(0, VERIFIER_LOG_SIZE, StandardCharsets.UTF_8);
        if (!log.isEmpty()) {
            // Only a program load writes the verifier log, so a log means a program failed.
            return new VerifierException(failedProgram(programs, messages.text()),
                    new BpfException(BpfCommand.PROG_LOAD.kernelName(), errno), log, messages.text());
        }
        BpfException failure = new BpfException("bpf_object__load", errno, null, describe(errno));
        if (errno >= LIBBPF_ERRNO_START) {
            return new ElfObjectException("libbpf cannot load the object: " + describe(errno) + detail(messages), null,
                    messages.text());
        }
        return failure.withContext("load object" + detail(messages));
    }

    /** The program libbpf reported failing, else the first one it did not load. */
    private String failedProgram(List<Pointer> programs, String libbpfMessages) {
        Matcher reported = FAILED_PROGRAM.matcher(libbpfMessages);
        if (reported.find()) {
            return reported.group(1);
        }
        return programs.stream()
                .filter(p -> libbpf.bpf_program__autoload(p) && libbpf.bpf_program__fd(p) < 0)
                .map(libbpf::bpf_program__name)
                .findFirst()
                .orElse("(unknown)");
    }

    /** Dups every fd worth keeping; if any step fails, closes the dups made so far. */
    private LoadedElfObject keep(ElfLoadSpec spec, Pointer object, List<Pointer> programs,
            Map<String, LoadedElfObject.PinByName> pinnedByName, String log) {
        List<LoadedElfObject.ElfProgram> keptPrograms = new ArrayList<>();
        List<LoadedElfObject.ElfMap> keptMaps = new ArrayList<>();
        LoadedElfObject loaded = new LoadedElfObject(keptPrograms, keptMaps, log);
        try {
            for (Pointer program : programs) {
                if (libbpf.bpf_program__autoload(program)) {
                    keptPrograms.add(new LoadedElfObject.ElfProgram(libbpf.bpf_program__name(program),
                            libbpf.bpf_program__section_name(program),
                            BpfProgram.wrap(Fd.duplicate(libbpf.bpf_program__fd(program)))));
                }
            }
            for (Pointer map = libbpf.bpf_object__next_map(object, null); map != null;
                    map = libbpf.bpf_object__next_map(object, map)) {
                String name = libbpf.bpf_map__name(map);
                if (!spec.reuseMaps().containsKey(name) && libbpf.bpf_map__fd(map) >= 0) {
                    keptMaps.add(new LoadedElfObject.ElfMap(name, BpfMap.wrap(Fd.duplicate(libbpf.bpf_map__fd(map))),
                            pinnedByName.get(name)));
                }
            }
            return loaded;
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    private void check(int result, String what, LibbpfLog.Capture messages) {
        if (result < 0) {
            throw new ElfObjectException(what + ": " + describe(-result) + detail(messages), null, messages.text());
        }
    }

    /** libbpf's own error codes (4000 and up) have texts of their own; the rest are errnos. */
    private String describe(int errno) {
        if (errno >= LIBBPF_ERRNO_START) {
            Pointer text = Memory.allocateDirect(LibBpf.RUNTIME, 256, true);
            libbpf.libbpf_strerror(errno, text, 256);
            return text.getString(0, 256, StandardCharsets.UTF_8);
        }
        return Errno.name(errno) + " (" + Errno.description(errno) + ")";
    }

    private static String detail(LibbpfLog.Capture messages) {
        String text = messages.text().strip();
        if (text.isEmpty()) {
            return "";
        }
        String[] lines = text.split("\n");
        return "; libbpf: " + lines[lines.length - 1].replaceFirst("^libbpf: ", "");
    }

    private static String names(List<Pointer> items, java.util.function.Function<Pointer, String> name) {
        return items.stream().map(name).toList().toString();
    }

}
