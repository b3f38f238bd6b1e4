package io.bpfkeeper.daemon.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bpfkeeper.daemon.kernel.MapType;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.protocol.types.Hook;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.PatternSyntaxException;

/**
 * One policy drop-in: YAML, read strictly. An unknown field, a value of the wrong type, an unknown
 * map type, program type or hook, a bad glob or an unknown user or group is an error that names
 * the file, the line and the field.
 */
final class PolicyFile {

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private PolicyFile() {
    }

    /** The rules of {@code file}, in order. */
    static List<Rule> read(Path file) throws PolicyException {
        Document document;
        try (JsonParser parser = YAML.createParser(file.toFile())) {
            try {
                document = parser.nextToken() == null ? null : YAML.readValue(parser, Document.class);
            } catch (JsonMappingException e) {
                if (e.getCause() instanceof StreamReadException syntax) {
                    throw notYaml(file, parser, syntax);
                }
                throw new PolicyException(file + ":" + line(file, e) + ": " + field(e) + ": " + problem(e));
            } catch (StreamReadException e) {
                throw notYaml(file, parser, e);
            }
        } catch (IOException e) {
            throw new PolicyException(file + ": cannot read it: " + e.getMessage());
        }
        List<Rule> rules = new ArrayList<>();
        if (document == null || document.rules() == null) {
            return rules;
        }
        for (int i = 0; i < document.rules().size(); i++) {
            RuleSpec spec = document.rules().get(i);
            if (spec == null || spec.match() == null) {
                throw new PolicyException(file + ":" + lineOf(file, "/rules/" + i, "?") + ": rules[" + i
                        + "].match: every rule needs a match (user or group)");
            }
            String label = "rule " + (spec.name() != null ? "\"" + spec.name() + "\"" : "#" + (i + 1)) + " of "
                    + file.getFileName();
            rules.add(new Rule(label, spec));
        }
        return rules;
    }

    /**
     * The line of the field at fault. Jackson reports where it had read up to, and it reads a
     * record's whole object before it looks at its fields: so the file is read again, up to the
     * first token at the field's path.
     */
    private static String line(Path file, JsonMappingException e) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            pointer.append('/').append(reference.getFieldName() != null
                    ? reference.getFieldName().replace("~", "~0").replace("/", "~1") : reference.getIndex());
        }
        return lineOf(file, pointer.toString(),
                e.getLocation() != null ? Integer.toString(e.getLocation().getLineNr()) : "?");
    }

    /** The line of the first token at {@code pointer} (a JSON Pointer) in the file. */
    private static String lineOf(Path file, String pointer, String otherwise) {
        try (JsonParser parser = YAML.createParser(file.toFile())) {
            while (parser.nextToken() != null) {
                if (parser.getParsingContext().pathAsPointer().toString().equals(pointer)) {
                    return Integer.toString(parser.currentTokenLocation().getLineNr());
                }
            }
        } catch (IOException ignored) {
            // The first reading failed there too; what it reported is the best left.
        }
        return otherwise;
    }

    private static PolicyException notYaml(Path file, JsonParser parser, StreamReadException e) {
        JsonLocation location = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
        String line = location != null && location.getLineNr() > 0 ? Integer.toString(location.getLineNr()) : "?";
        return new PolicyException(file + ":" + line + ": not valid YAML: " + e.getOriginalMessage().strip());
    }

    private static String field(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.length() > 0 ? "." : "").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.length() > 0 ? path.toString() : "(top level)";
    }

    private static String problem(JsonMappingException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            return cause.getMessage();
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field \"" + unknown.getPropertyName() + "\"; known fields: " + unknown.getKnownPropertyIds();
        }
        String message = e.getOriginalMessage();
        int detail = message.indexOf('\n');
        return detail > 0 ? message.substring(0, detail) : message;
    }

    record Document(List<RuleSpec> rules) {
    }

    /** Every field but match may be absent, and leaves that grant as the rules before set it. */
    record RuleSpec(String name, Match match, List<MapTypeName> mapTypes, List<ProgramTypeName> programTypes,
            List<HookName> hooks, NetnsSpec netns, CgroupSpec cgroups, PinPrefix pinPrefix, Boolean adoptForeign,
            Boolean inspectHost, Boolean fullVerifier, LimitsSpec limits) {
    }

    /** Exactly one of user and group, each a name or a numeric id; resolved when the file is read. */
    record Match(String user, String group, int id) {

        @JsonCreator
        static Match of(@JsonProperty("user") String user, @JsonProperty("group") String group) {
            if ((user == null) == (group == null)) {
                throw new IllegalArgumentException("give exactly one of user and group");
            }
            OptionalInt id = user != null ? Accounts.uid(user) : Accounts.gid(group);
            if (id.isEmpty()) {
                throw new IllegalArgumentException("no " + (user != null ? "user " + user : "group " + group)
                        + " in " + (user != null ? "/etc/passwd" : "/etc/group") + "; name it by id");
            }
            return new Match(user, group, id.getAsInt());
        }

        boolean matches(Caller caller) {
            return user != null ? caller.uid() == id : caller.inGroup(id);
        }
    }

    record NetnsSpec(Boolean owned, List<Glob> named) {
    }

    record CgroupSpec(Boolean delegated, List<Glob> paths) {
    }

    record LimitsSpec(Integer objects, Long lockedMemoryBytes, Integer connections, Integer callsInFlight,
            Integer fdStoreSlots) {

        @JsonCreator
        LimitsSpec {
            for (Number limit : Arrays.asList(objects, lockedMemoryBytes, connections, callsInFlight, fdStoreSlots)) {
                if (limit != null && limit.longValue() < 0) {
                    throw new IllegalArgumentException("a limit cannot be negative: " + limit);
                }
            }
        }
    }

    /** A map type by bpftool's name, or "default" for the default policy's map types. */
    record MapTypeName(String value) {

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        MapTypeName {
            requireKnown(value, MapType.NAMES.names(), "map type");
        }
    }

    /** A program type by bpftool's name, or "default" for the default policy's program types. */
    record ProgramTypeName(String value) {

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        ProgramTypeName {
            requireKnown(value, ProgramType.NAMES.names(), "program type");
        }
    }

    /** A hook by the IDL's name, or "default" for the default policy's hooks. */
    record HookName(String value) {

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        HookName {
            requireKnown(value, Arrays.stream(Hook.values()).map(Hook::wireName).toList(), "hook");
        }
    }

    private static void requireKnown(String value, List<String> known, String what) {
        if (!value.equals("default") && (value.equals("unspec") || !known.contains(value))) {
            throw new IllegalArgumentException("unknown " + what + " \"" + value + "\"; known: "
                    + String.join(", ", known.stream().filter(name -> !name.equals("unspec")).toList()));
        }
    }

    /** A glob as java.nio's PathMatcher reads it: *, **, ?, [a-z], {a,b}. */
    record Glob(String value) {

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        Glob {
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + value);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("bad glob \"" + value + "\": " + e.getDescription());
            }
        }
    }

    /** Relative to the pin root, {uid} for the caller's uid; "" for anywhere under it. */
    record PinPrefix(String value) {

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        PinPrefix {
            if (value.startsWith("/") || Arrays.asList(value.split("/")).contains("..")) {
                throw new IllegalArgumentException("pin prefix \"" + value + "\" must be relative to the pin root,"
                        + " without \"..\"");
            }
            if (!value.isEmpty() && !value.endsWith("/")) {
                value = value + "/";
            }
        }
    }
}
