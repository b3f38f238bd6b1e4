package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.BpfMap;
import io.bpfkeeper.daemon.kernel.MapType;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.UpdateMode;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The one mapping between the values a call names and the daemon's and kernel's: Kind, Lifetime and
 * UpdateMode are IDL enums; map and program types are strings in the IDL, named as bpftool names
 * them. A value that is none of them is an InvalidArgument that lists the accepted ones, also where
 * the IDL check has ruled it out already. Attach hooks and their options are {@link AttachMethods}'.
 */
final class WireEnums {

    private WireEnums() {
    }

    static Kind kind(String parameter, String wire) throws VarlinkError {
        return idlEnum(Kind.values(), Kind::wireName, parameter, wire, "kind");
    }

    static Lifetime lifetime(String parameter, String wire) throws VarlinkError {
        return idlEnum(Lifetime.values(), Lifetime::wireName, parameter, wire, "lifetime");
    }

    /** The kernel's flag for an update mode that a call names. */
    static BpfMap.UpdateMode updateMode(String parameter, String wire) throws VarlinkError {
        return switch (idlEnum(UpdateMode.values(), UpdateMode::wireName, parameter, wire, "update mode")) {
            case ANY -> BpfMap.UpdateMode.ANY;
            case NOEXIST -> BpfMap.UpdateMode.NOEXIST;
            case EXIST -> BpfMap.UpdateMode.EXIST;
        };
    }

    static MapType mapType(String parameter, String wire) throws VarlinkError {
        return new MapType(Names.kernelValue(wire, parameter, MapType.NAMES, "map type"));
    }

    static ProgramType programType(String parameter, String wire) throws VarlinkError {
        return new ProgramType(Names.kernelValue(wire, parameter, ProgramType.NAMES, "program type"));
    }

    private static <E extends Enum<E>> E idlEnum(E[] values, Function<E, String> wireName, String parameter,
            String wire, String what) throws VarlinkError {
        for (E value : values) {
            if (wireName.apply(value).equals(wire)) {
                return value;
            }
        }
        throw ApiErrors.invalidArgument(parameter, "unknown " + what + " \"" + wire + "\"; known: "
                + String.join(", ", Arrays.stream(values).map(wireName).toList()));
    }
}
