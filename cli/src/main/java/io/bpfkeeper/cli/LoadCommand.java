package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.client.LoadObjectRequest;
import io.bpfkeeper.protocol.client.LoadedObject;
import io.bpfkeeper.protocol.types.ProgramOptions;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bpfkeeper load FILE.o}: an ELF object through the daemon's libbpf. The file is read here,
 * with the caller's permissions, and sent whole; the daemon never opens the caller's path.
 */
@Command(name = "load", description = {"Load every program and map of an ELF object (clang -target bpf),"
        + " owned by the daemon as one group; prints them.",
    "Release them all with: bpfkeeper release --group GROUP"})
final class LoadCommand extends DaemonCommand {

    @Parameters(paramLabel = "FILE.o", description = "The object file; - is stdin.")
    String file;

    @Option(names = "--name", paramLabel = "NAME",
            description = "The object's name (default: the file name without .o); prefixes its internal maps.")
    String name;

    @Option(names = "--type", paramLabel = "PROGRAM=TYPE",
            description = "A program type for a section libbpf does not know, such as tcx_pass=sched_cls;"
                    + " repeatable.")
    Map<String, String> types = Map.of();

    @Option(names = "--attach-type", paramLabel = "PROGRAM=TYPE",
            description = "An expected attach type, such as tcx_pass=tcx_ingress; repeatable.")
    Map<String, String> attachTypes = Map.of();

    @Option(names = "--global", paramLabel = "NAME=HEX",
            description = "The initial value of a global variable (const volatile or .data), in the kernel's byte"
                    + " order; repeatable.")
    Map<String, String> globals = Map.of();

    @Option(names = "--reuse-map", paramLabel = "MAP=ID",
            description = "Use the owned map ID for the object's map MAP, so objects share it; repeatable.")
    Map<String, Long> reuseMaps = Map.of();

    @Option(names = "--pin", paramLabel = "NAME=PATH",
            description = "Pin the program or map NAME here, under the daemon's pin root; repeatable.")
    Map<String, String> pins = Map.of();

    @Mixin
    OwnershipOptions ownership;

    @Override
    protected int run(Output output) {
        LoadObjectRequest request = LoadObjectRequest.of(objectName(), readInput(file))
                .withLifetime(ownership.lifetime);
        if (ownership.labels != null) {
            request = request.withLabels(ownership.labels);
        }
        for (String program : union(types, attachTypes)) {
            request = request.withProgram(program, new ProgramOptions(types.get(program), attachTypes.get(program)));
        }
        for (Map.Entry<String, String> global : globals.entrySet()) {
            try {
                request = request.withGlobal(global.getKey(), Hex.normalize(global.getValue()));
            } catch (IllegalArgumentException e) {
                throw usageError("--global " + global.getKey() + ": " + e.getMessage());
            }
        }
        for (Map.Entry<String, Long> map : reuseMaps.entrySet()) {
            request = request.withReusedMap(map.getKey(), map.getValue());
        }
        for (Map.Entry<String, String> pin : pins.entrySet()) {
            request = request.withPin(pin.getKey(), pin.getValue());
        }
        LoadedObject loaded = bpfkeeper().loadObject(request);
        output.reply(loaded, out -> {
            out.println("group " + loaded.group());
            ObjectView.printTable(loaded.objects(), out);
            if (loaded.log() != null) {
                out.println();
                out.println("libbpf:");
                out.print(loaded.log());
            }
        });
        return ExitCodes.OK;
    }

    private String objectName() {
        if (name != null) {
            return name;
        }
        String base = file.equals(STDIN) ? "stdin" : Path.of(file).getFileName().toString();
        return base.replaceFirst("(\\.bpf)?\\.o$", "").replaceAll("[^A-Za-z0-9_]", "_");
    }

    private static java.util.Set<String> union(Map<String, String> first, Map<String, String> second) {
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(first.keySet());
        keys.addAll(second.keySet());
        return keys;
    }
}
