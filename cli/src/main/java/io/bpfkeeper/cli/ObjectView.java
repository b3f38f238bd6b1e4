package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.types.AttachTarget;
import io.bpfkeeper.protocol.types.AttachmentProperties;
import io.bpfkeeper.protocol.types.BpfObject;
import io.bpfkeeper.protocol.types.LinkProperties;
import io.bpfkeeper.protocol.types.MapProperties;
import io.bpfkeeper.protocol.types.ProgramProperties;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How an owned object looks to a person: a row of {@code list}, or the block that {@code get} prints.
 * An object the daemon lost at its last start says LOST where its lifetime would be, since the
 * daemon holds it no longer, and why. One that systemd's fd store handed back without a journal
 * record says UNRECORDED there, and whose it was.
 */
final class ObjectView {
    private static final String LOST = "LOST";
    private static final String UNRECORDED = "UNRECORDED";

    private ObjectView() {
    }

    /** Prints a reply that holds one object. */
    static void print(BpfObject object, Output output) {
        output.reply(Map.of("object", object), out -> printBlock(object, out));
    }

    static void printTable(List<BpfObject> objects, PrintWriter out) {
        Table table = new Table().row("KIND", "ID", "NAME", "TYPE", "LIFETIME", "OWNER", "PINS", "LABELS");
        Table reasons = new Table();
        Table unrecorded = new Table();
        for (BpfObject object : objects) {
            table.row(object.kind().wireName(), object.id(), object.name(), object.type(), lifetime(object),
                    object.owner().uid(), joined(object.pins()), joined(labels(object)));
            if (object.lost() != null) {
                reasons.row(object.kind().wireName() + " " + object.id() + ":", object.lost());
            }
            if (object.unrecorded() != null) {
                unrecorded.row(object.kind().wireName() + " " + object.id() + ":", object.unrecorded());
            }
        }
        table.print(out);
        if (!reasons.isEmpty()) {
            out.println();
            out.println(LOST + " at the daemon's last start, because:");
            reasons.print(out);
        }
        if (!unrecorded.isEmpty()) {
            out.println();
            out.println(UNRECORDED + ", kept by the daemon for root:");
            unrecorded.print(out);
        }
    }

    /** Every field, one a line; pins and labels take a line each, so that long ones stay legible. */
    static void printBlock(BpfObject object, PrintWriter out) {
        Table block = new Table()
                .row("kind:", object.kind().wireName())
                .row("id:", object.id())
                .row("name:", object.name())
                .row("type:", object.type())
                .row("lifetime:", lifetime(object));
        if (object.lost() != null) {
            block.row("lost because:", object.lost());
        }
        if (object.unrecorded() != null) {
            block.row("unrecorded:", object.unrecorded());
        }
        if (object.notInFdStore() != null) {
            block.row("not in fd store:", object.notInFdStore());
        }
        block.row("owner:", "uid " + object.owner().uid() + ", gid " + object.owner().gid() + ", pid "
                + object.owner().pid())
                .row("created:", object.createdAt());
        block.listRows("pins:", object.pins()).listRows("labels:", labels(object));
        if (object.map() != null) {
            MapProperties map = object.map();
            block.row("key size:", map.keySize())
                    .row("value size:", map.valueSize())
                    .row("max entries:", map.maxEntries())
                    .row("flags:", "0x" + Long.toHexString(map.flags()));
        }
        if (object.program() != null) {
            ProgramProperties program = object.program();
            block.row("tag:", program.tag())
                    .row("map ids:", joined(program.mapIds()));
        }
        if (object.link() != null) {
            LinkProperties link = object.link();
            block.row("hook:", link.hook().wireName())
                    .row("program:", link.programId())
                    .row("target:", target(link.target()))
                    .row("attached:", link.attached() ? "yes" : "no (detached, or its target is gone)");
        }
        if (object.attachment() != null) {
            AttachmentProperties attachment = object.attachment();
            block.row("hook:", attachment.hook().wireName())
                    .row("program:", attachment.programId())
                    .row("target:", target(attachment.target()))
                    .row("held by:", attachment.heldBy());
        }
        block.print(out);
    }

    private static String lifetime(BpfObject object) {
        if (object.lost() != null) {
            return LOST;
        }
        return object.unrecorded() != null ? UNRECORDED : object.lifetime().wireName();
    }

    /** {@code key=value}, sorted by key, so that the same labels always read the same. */
    private static List<String> labels(BpfObject object) {
        return new TreeMap<>(object.labels()).entrySet().stream()
                .map(label -> label.getKey() + "=" + label.getValue())
                .collect(Collectors.toList());
    }

    private static String joined(List<?> items) {
        return items.isEmpty() ? Table.NONE : items.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** The fields of a hook's target that are set, as "key value" pairs, for example "interface eth0 netns blue". */
    private static String target(AttachTarget target) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("interface", target.interfaceName());
        fields.put("netns", target.netns());
        fields.put("direction", target.direction() != null ? target.direction().wireName() : null);
        fields.put("mode", target.mode() != null ? target.mode().wireName() : null);
        fields.put("priority", target.priority());
        fields.put("handle", target.handle());
        fields.put("cgroup", target.cgroup());
        fields.put("attach type", target.attachType());
        fields.put("tracepoint", target.category() != null ? target.category() + "/" + target.name() : null);
        fields.put("function", target.function());
        fields.put("offset", target.offset());
        StringBuilder text = new StringBuilder();
        fields.forEach((key, value) -> {
            if (value != null) {
                text.append(text.length() == 0 ? "" : " ").append(key).append(' ').append(value);
            }
        });
        return text.length() == 0 ? Table.NONE : text.toString();
    }
}
