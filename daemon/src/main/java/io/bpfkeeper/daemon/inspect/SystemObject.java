package io.bpfkeeper.daemon.inspect;

import io.bpfkeeper.daemon.kernel.ObjectKind;

/**
 * One object on the host as {@code bpftool prog/map/link show} lists it.
 *
 * @param type bpftool's name for its map, program or link type
 * @param mapIds the maps a program uses; empty for maps and links
 * @param programId the program a link holds; 0 for maps and programs
 * @param target where a link is attached; empty for maps and programs
 * @param createdByUid the uid that loaded a program; -1 for maps and links, which do not record it
 */
public record SystemObject(ObjectKind kind, int id, String name, String type, int[] mapIds, int programId,
        String target, int createdByUid) {
}
