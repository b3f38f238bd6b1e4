package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.MapValue;
import io.bpfkeeper.protocol.types.Entry;
import io.bpfkeeper.protocol.types.UpdateMode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bpfkeeper map}: creating maps, and reading and writing their entries. Keys and values are hex. */
@Command(name = "map", description = "Create maps, and read and write their entries. Keys and values are hex:"
        + " 01000000, 0x01000000 or \"01 00 00 00\".",
        subcommands = {
            MapCommand.Create.class,
            MapCommand.Lookup.class,
            MapCommand.Update.class,
            MapCommand.Delete.class,
            MapCommand.Dump.class,
            MapCommand.UpdateBatch.class,
        })
final class MapCommand {
    private MapCommand() {
    }

    /** The map and key that lookup, update and delete work on. */
    static final class MapKey {
        @Parameters(index = "0", paramLabel = "ID", description = "The map's kernel id.")
        long id;

        @Parameters(index = "1", paramLabel = "KEY", converter = Hex.Converter.class, description = "The key, in hex.")
        String key;
    }

    /** How update and update-batch treat a key that exists, or does not. */
    static final class WriteMode {
        @Option(names = "--mode", paramLabel = "any|noexist|exist",
                description = "any (the default) creates or replaces; noexist only creates; exist only replaces.")
        UpdateMode mode;
    }

    @Command(name = "create", description = "Create a map, owned by the daemon; prints it.")
    static final class Create extends DaemonCommand {
        @Parameters(paramLabel = "NAME", description = "At most 15 characters: letters, digits, '_' and '.'.")
        String name;

        @Option(names = "--type", required = true, paramLabel = "TYPE",
                description = "bpftool's map type name: hash, array, percpu_hash, percpu_array, lru_hash, ringbuf,"
                        + " ...")
        String type;

        @Option(names = "--key-size", required = true, paramLabel = "BYTES", description = "The size of a key.")
        long keySize;

        @Option(names = "--value-size", required = true, paramLabel = "BYTES", description = "The size of a value.")
        long valueSize;

        @Option(names = "--max-entries", required = true, paramLabel = "N",
                description = "How many entries the map holds at most.")
        long maxEntries;

        @Option(names = "--flags", paramLabel = "N", description = "BPF_F_* map flags, such as 1 (BPF_F_NO_PREALLOC).")
        Long flags;

        @Option(names = "--inner-map", paramLabel = "ID",
                description = "For array_of_maps and hash_of_maps: an owned map, by kernel id, whose type and sizes"
                        + " the maps stored in this one must have.")
        Long innerMap;

        @Mixin
        NewObjectOptions newObject;

        @Override
        protected int run(Output output) {
            CreateMapRequest request = CreateMapRequest.of(name, type, keySize, valueSize, maxEntries)
                    .withLifetime(newObject.ownership.lifetime)
                    .withPin(newObject.pin)
                    .withLabels(newObject.ownership.labels);
            if (flags != null) {
                request = request.withFlags(flags);
            }
            if (innerMap != null) {
                request = request.withInnerMap(innerMap);
            }
            ObjectView.print(bpfkeeper().createMap(request), output);
            return ExitCodes.OK;
        }
    }

    @Command(name = "lookup", description = {"Print the value of a key, and for per-CPU maps each CPU's value.",
        "Exits with 1 when the key is not in the map."})
    static final class Lookup extends DaemonCommand {
        @Mixin
        MapKey map;

        @Override
        protected int run(Output output) {
            Optional<MapValue> found = bpfkeeper().mapLookup(map.id, map.key);
            if (found.isEmpty()) {
                output.empty();
                output.note("bpfkeeper: key " + map.key + " is not in map " + map.id);
                return ExitCodes.FAILED;
            }
            MapValue value = found.get();
            output.reply(value, out -> printValue(value, out));
            return ExitCodes.OK;
        }

        private static void printValue(MapValue value, PrintWriter out) {
            if (value.perCpu() == null) {
                out.println(value.value());
                return;
            }
            Table table = new Table().row("CPU", "VALUE");
            for (int cpu = 0; cpu < value.perCpu().size(); cpu++) {
                table.row(cpu, value.perCpu().get(cpu));
            }
            table.print(out);
        }
    }

    @Command(name = "update", description = {"Write the value of a key.",
        "A value that refers to a program or map, as in a prog_array or a map of maps, is its kernel id (4 bytes,"
                + " in the kernel's byte order), never a file descriptor."})
    static final class Update extends DaemonCommand {
        @Mixin
        MapKey map;

        @Parameters(index = "2", paramLabel = "VALUE", converter = Hex.Converter.class,
                description = "The value, in hex. For per-CPU maps, one value for every CPU, or each CPU's value"
                        + " back to back, each padded to 8 bytes.")
        String value;

        @Mixin
        WriteMode writeMode;

        @Override
        protected int run(Output output) {
            bpfkeeper().mapUpdate(map.id, map.key, value, writeMode.mode);
            output.empty();
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Delete a key; fails if it is not in the map.")
    static final class Delete extends DaemonCommand {
        @Mixin
        MapKey map;

        @Override
        protected int run(Output output) {
            bpfkeeper().mapDelete(map.id, map.key);
            output.empty();
            return ExitCodes.OK;
        }
    }

    @Command(name = "dump", description = "Print every entry of a map.")
    static final class Dump extends DaemonCommand {
        @Parameters(paramLabel = "ID", description = "The map's kernel id.")
        long id;

        @Override
        protected int run(Output output) {
            List<Entry> entries = bpfkeeper().mapEntries(id);
            output.replies(entries, out -> {
                if (entries.isEmpty()) {
                    output.note("map " + id + " is empty");
                    return;
                }
                Table table = new Table().row("KEY", "VALUE");
                entries.forEach(entry -> table.row(entry.key(), entry.value()));
                table.print(out);
            });
            return ExitCodes.OK;
        }
    }

    @Command(name = "update-batch", description = {"Write many entries at once, stopping at the first that fails.",
        "Input: lines of 'KEYHEX VALUEHEX' (# starts a comment), a JSON array of {\"key\": HEX, \"value\": HEX},"
                + " or such objects one after another, as 'map dump --json' prints them."})
    static final class UpdateBatch extends DaemonCommand {
        @Parameters(paramLabel = "ID", description = "The map's kernel id.")
        long id;

        @Option(names = "--file", paramLabel = "FILE", defaultValue = STDIN,
                description = "Where to read the entries; - is stdin (default: ${DEFAULT-VALUE}).")
        String file;

        @Mixin
        WriteMode writeMode;

        @Override
        protected int run(Output output) {
            List<Entry> entries;
            try {
                entries = BatchInput.parse(new String(readInput(file), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw usageError(file + ": " + e.getMessage());
            }
            long written = bpfkeeper().mapUpdateBatch(id, entries, writeMode.mode);
            output.reply(Map.of("count", written),
                    out -> out.println("wrote " + written + (written == 1 ? " entry" : " entries")));
            return ExitCodes.OK;
        }
    }
}
