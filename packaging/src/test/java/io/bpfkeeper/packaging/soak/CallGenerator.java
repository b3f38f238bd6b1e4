package io.bpfkeeper.packaging.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.protocol.idl.ArrayType;
import io.bpfkeeper.protocol.idl.DictType;
import io.bpfkeeper.protocol.idl.EnumType;
import io.bpfkeeper.protocol.idl.InterfaceDefinition;
import io.bpfkeeper.protocol.idl.MethodDefinition;
import io.bpfkeeper.protocol.idl.NamedType;
import io.bpfkeeper.protocol.idl.NullableType;
import io.bpfkeeper.protocol.idl.ScalarType;
import io.bpfkeeper.protocol.idl.SetType;
import io.bpfkeeper.protocol.idl.StructType;
import io.bpfkeeper.protocol.idl.Validator;
import io.bpfkeeper.protocol.idl.VarlinkType;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Calls of an interface made from its IDL: every method, every field of its parameters, each value
 * of the field's declared type. Values that the kernel must accept for a call to succeed (a map
 * type, instructions, key and value sizes) come from a short table of known-good choices by field
 * name; everything else is drawn from the type. {@link #valid} makes calls on the contract, and
 * {@link #offContract} breaks one field of such a call; the IDL's own {@link Validator} checks that
 * each is what it claims, so the generator cannot drift from the interface unnoticed.
 *
 * <p>Map values are tagged with the writer's uid in their first four bytes (little-endian), so that
 * whose write landed in which map can be read back from the kernel.
 */
final class CallGenerator {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** r0 = 2 (XDP_PASS; for a socket filter, keep 2 bytes); exit. */
    static final String PASS_PROGRAM = "b700000002000000" + "9500000000000000";
    static final int KEY_SIZE = 4;
    static final int VALUE_SIZE = 8;
    private static final List<String> MAP_TYPES = List.of("hash", "array", "lru_hash");
    private static final List<String> PROGRAM_TYPES = List.of("xdp", "socket_filter");
    /** Optional fields that a call rarely needs, and that make most calls fail when present. */
    private static final Set<String> RARE_FIELDS = Set.of("innerMap", "expectedAttachType", "maps", "programs",
            "globals", "reuseMaps", "pins", "groupOwner");

    /** What one call may name: the caller's own objects, others' objects, and ids of nothing. */
    interface Targets {
        /** An id for a field of this name: of an own object, another's, or none, as the caller may aim. */
        long id(String field, SplittableRandom random);

        /** A pin path for a field of this name, relative to the pin root or hostile. */
        String path(String field, SplittableRandom random);

        /** The uid whose tag map values carry. */
        int uid();
    }

    private final InterfaceDefinition idl;
    private final Validator validator;
    private final byte[] elfObject;

    CallGenerator(InterfaceDefinition idl, byte[] elfObject) {
        this.idl = idl;
        this.validator = new Validator(idl);
        this.elfObject = elfObject;
    }

    InterfaceDefinition idl() {
        return idl;
    }

    String qualified(MethodDefinition method) {
        return idl.name() + "." + method.name();
    }

    /** Parameters of {@code method} on the contract, as a client that means well sends them. */
    ObjectNode valid(MethodDefinition method, Targets targets, SplittableRandom random) {
        ObjectNode parameters = struct(method.name(), method.input(), targets, random);
        requireValidity(method, parameters, true);
        return parameters;
    }

    /**
     * A valid call with one thing wrong in its parameters, as the IDL defines wrong: a field of
     * another JSON type, a required field missing, or a field the method does not have.
     */
    ObjectNode offContract(MethodDefinition method, Hostility hostility, Targets targets, SplittableRandom random) {
        ObjectNode parameters = valid(method, targets, random);
        List<String> fields = new ArrayList<>(method.input().fields().keySet());
        List<String> required = fields.stream()
                .filter(name -> !(method.input().fields().get(name) instanceof NullableType)).toList();
        switch (hostility) {
            case WRONG_TYPE -> {
                if (fields.isEmpty()) {
                    parameters.put("soakUnknown", 1);
                } else {
                    String field = fields.get(random.nextInt(fields.size()));
                    List<JsonNode> candidates = new ArrayList<>(valuesOfEveryType(random));
                    do {
                        parameters.set(field, candidates.remove(random.nextInt(candidates.size())));
                    } while (validator.validateCall(method.name(), parameters).isEmpty());
                }
            }
            case MISSING_FIELD -> {
                if (required.isEmpty()) {
                    parameters.put("soakUnknown", "x");
                } else {
                    parameters.remove(required.get(random.nextInt(required.size())));
                }
            }
            case UNKNOWN_FIELD -> parameters.set(random.nextBoolean() ? "soakUnknown" : "fileDescriptor",
                    JSON.numberNode(random.nextInt(-1, 64)));
            default -> throw new IllegalArgumentException("not an off-contract kind: " + hostility);
        }
        requireValidity(method, parameters, false);
        return parameters;
    }

    /** The valid call with one string field, if it has any, made {@code length} characters long. */
    ObjectNode withHugeString(MethodDefinition method, Targets targets, SplittableRandom random, int length) {
        ObjectNode parameters = valid(method, targets, random);
        List<String> strings = new ArrayList<>();
        parameters.fields().forEachRemaining(field -> {
            if (field.getValue().isTextual()) {
                strings.add(field.getKey());
            }
        });
        String field = strings.isEmpty() ? "soakUnknown" : strings.get(random.nextInt(strings.size()));
        parameters.put(field, "A".repeat(length));
        return parameters;
    }

    private void requireValidity(MethodDefinition method, ObjectNode parameters, boolean valid) {
        boolean onContract = validator.validateCall(method.name(), parameters).isEmpty();
        if (onContract != valid) {
            throw new IllegalStateException("the generator made a call of " + method.name() + " that the IDL "
                    + (valid ? "refuses" : "accepts") + ": " + parameters);
        }
    }

    private ObjectNode struct(String method, StructType struct, Targets targets, SplittableRandom random) {
        ObjectNode object = JSON.objectNode();
        struct.fields().forEach((name, type) -> {
            JsonNode value = value(method, name, type, targets, random);
            if (value != null) {
                object.set(name, value);
            }
        });
        return object;
    }

    /** A value of {@code type} for field {@code field}; null for an optional field left out. */
    private JsonNode value(String method, String field, VarlinkType type, Targets targets, SplittableRandom random) {
        if (type instanceof NullableType nullable) {
            boolean present = random.nextInt(RARE_FIELDS.contains(field) ? 16 : 4) == 0;
            return present ? value(method, field, nullable.inner(), targets, random) : null;
        }
        if (type instanceof NamedType named) {
            return value(method, field, idl.types().get(named.name()).type(), targets, random);
        }
        if (type instanceof EnumType enumeration) {
            List<String> values = List.copyOf(enumeration.values());
            return JSON.textNode(values.get(random.nextInt(values.size())));
        }
        if (type instanceof StructType struct) {
            return struct(method, struct, targets, random);
        }
        if (type instanceof ArrayType array) {
            ArrayNode elements = JSON.arrayNode();
            for (int i = random.nextInt(4); i > 0; i--) {
                elements.add(value(method, field, array.element(), targets, random));
            }
            return elements;
        }
        if (type instanceof DictType dict) {
            ObjectNode entries = JSON.objectNode();
            for (int i = random.nextInt(3); i > 0; i--) {
                entries.set("soak" + random.nextInt(100), value(method, field + "[]", dict.value(), targets, random));
            }
            return entries;
        }
        if (type instanceof SetType) {
            return JSON.objectNode().set("soak", JSON.objectNode());
        }
        return scalar(method, field, (ScalarType) type, targets, random);
    }

    private JsonNode scalar(String method, String field, ScalarType type, Targets targets, SplittableRandom random) {
        return switch (type) {
            case BOOL -> JSON.booleanNode(random.nextBoolean());
            case FLOAT -> JSON.numberNode(random.nextDouble());
            case OBJECT -> JSON.objectNode();
            case INT -> JSON.numberNode(integer(method, field, targets, random));
            case STRING -> JSON.textNode(string(method, field, targets, random));
        };
    }

    private long integer(String method, String field, Targets targets, SplittableRandom random) {
        return switch (field) {
            case "keySize" -> KEY_SIZE;
            case "valueSize" -> VALUE_SIZE;
            case "maxEntries" -> random.nextInt(1, 65);
            case "flags", "logLevel", "offset" -> 0;
            case "repeat" -> random.nextInt(1, 1000);
            case "priority", "handle" -> random.nextInt(1, 100);
            case "groupOwner" -> targets.uid();
            default -> targets.id(field, random);
        };
    }

    private String string(String method, String field, Targets targets, SplittableRandom random) {
        return switch (field) {
            case "name" -> "soak" + random.nextInt(1_000_000);
            case "type" -> method.equals("CreateMap") ? pick(MAP_TYPES, random) : pick(PROGRAM_TYPES, random);
            case "instructions" -> PASS_PROGRAM;
            case "license" -> "GPL";
            case "key" -> hex(KEY_SIZE, random.nextInt(16));
            case "value" -> taggedValue(targets.uid(), random);
            case "data" -> "00".repeat(64);
            case "elf" -> random.nextBoolean() ? Base64.getEncoder().encodeToString(elfObject) : "f0VMRgI=";
            case "pin", "path", "pins[]" -> targets.path(field, random);
            case "label" -> "soak=" + random.nextInt(4);
            case "labels[]" -> "v" + random.nextInt(4);
            case "globals[]" -> "00";
            case "group" -> "soak-group-" + random.nextInt(8);
            case "interface" -> random.nextBoolean() ? "lo" : "soak" + random.nextInt(4);
            case "netns" -> random.nextBoolean() ? "pid:1" : "soak";
            case "cgroup" -> random.nextBoolean() ? "/sys/fs/cgroup" : "/sys/fs/cgroup/system.slice";
            default -> "soak" + random.nextInt(100);
        };
    }

    /** A map value of {@link #VALUE_SIZE} bytes whose first four are {@code uid}, little-endian. */
    static String taggedValue(int uid, SplittableRandom random) {
        return String.format("%02x%02x%02x%02x%08x", uid & 0xff, (uid >>> 8) & 0xff, (uid >>> 16) & 0xff,
                uid >>> 24, random.nextInt());
    }

    private static String hex(int bytes, int number) {
        return String.format("%0" + 2 * bytes + "x", number);
    }

    private static String pick(List<String> choices, SplittableRandom random) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** JSON values of every type, for a field to take one its declared type refuses. */
    private static List<JsonNode> valuesOfEveryType(SplittableRandom random) {
        return List.of(JSON.arrayNode().add(1), JSON.booleanNode(true), JSON.textNode("7"),
                JSON.numberNode(random.nextLong()), JSON.numberNode(1.5), JSON.objectNode().put("x", 1));
    }
}
