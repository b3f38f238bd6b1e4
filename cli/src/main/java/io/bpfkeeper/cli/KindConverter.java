package io.bpfkeeper.cli;

import io.bpfkeeper.protocol.types.Kind;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a kind as the IDL spells it, and {@code prog} as well, since that is what bpftool users type. */
final class KindConverter implements ITypeConverter<Kind> {
    @Override
    public Kind convert(String value) {
        String name = value.toLowerCase(Locale.ROOT);
        if (name.equals("prog")) {
            return Kind.PROGRAM;
        }
        return Arrays.stream(Kind.values())
                .filter(kind -> kind.wireName().equals(name))
                .findFirst()
                .orElseThrow(() -> new TypeConversionException("unknown kind \"" + value + "\"; expected one of "
                        + Arrays.stream(Kind.values()).map(Kind::wireName).collect(Collectors.joining(", "))));
    }
}
