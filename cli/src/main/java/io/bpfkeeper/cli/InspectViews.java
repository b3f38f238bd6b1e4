package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.types.Explanation;
import io.bpfkeeper.protocol.types.Holder;
import io.bpfkeeper.protocol.types.SystemObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The rows that {@code bpfkeeper explain} and {@code bpfkeeper ps} print, header first, for the
 * CLI's aligned-column table. Cells that do not apply hold "-".
 */
final class InspectViews {

    private InspectViews() {
    }

    /** One row per holder: its type and what it is, after a header. */
    static List<List<String>> holderRows(Explanation explanation) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("HOLDER", "DESCRIPTION"));
        for (Holder holder : explanation.holders()) {
            rows.add(List.of(holder.type().wireName(), holder.description()));
        }
        return rows;
    }

    /**
     * One row per object, as {@code bpftool prog/map/link show} would list it, with whether
     * bpfkeeper owns it and for whom.
     */
    static List<List<String>> psRows(List<SystemObject> objects) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("KIND", "ID", "TYPE", "NAME", "OWNED", "OWNER", "LIFETIME", "USES"));
        for (SystemObject object : objects) {
            rows.add(List.of(
                    object.kind().wireName(),
                    Long.toString(object.id()),
                    object.type(),
                    object.name().isEmpty() ? Table.NONE : object.name(),
                    object.owned() ? "yes" : "no",
                    object.owner() != null ? "uid " + object.owner().uid() : Table.NONE,
                    object.lifetime() != null ? object.lifetime().wireName() : Table.NONE,
                    uses(object)));
        }
        return rows;
    }

    /** What else the object involves: a program's maps, a link's program and target. */
    private static String uses(SystemObject object) {
        if (object.programId() != null) {
            return "program " + object.programId() + (object.target() != null ? " at " + object.target() : "");
        }
        if (object.mapIds() != null && !object.mapIds().isEmpty()) {
            return "maps " + object.mapIds().stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return Table.NONE;
    }
}
