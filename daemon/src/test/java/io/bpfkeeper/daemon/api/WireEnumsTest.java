package io.bpfkeeper.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpfkeeper.daemon.kernel.MapType;
import io.bpfkeeper.daemon.kernel.ProgramType;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import io.bpfkeeper.protocol.types.UpdateMode;
import org.junit.jupiter.api.Test;

/** Each wire value maps to one daemon value, and an unknown one is refused by parameter, with the known ones. */
class WireEnumsTest {

    @Test
    void everyIdlValueMapsToTheConstantOfItsName() throws VarlinkError {
        for (Kind kind : Kind.values()) {
            assertThat(WireEnums.kind("kind", kind.wireName())).isEqualTo(kind);
        }
        for (Lifetime lifetime : Lifetime.values()) {
            assertThat(WireEnums.lifetime("lifetime", lifetime.wireName())).isEqualTo(lifetime);
        }
        for (UpdateMode mode : UpdateMode.values()) {
            assertThat(WireEnums.updateMode("mode", mode.wireName()).name()).isEqualTo(mode.name());
        }
        assertThat(WireEnums.mapType("type", "percpu_hash")).isEqualTo(MapType.PERCPU_HASH);
        assertThat(WireEnums.programType("type", "xdp").name()).isEqualTo("xdp");
    }

    @Test
    void anUnknownValueIsAnInvalidArgumentThatListsTheKnownOnes() {
        assertInvalid(() -> WireEnums.kind("kind", "MAP"), "kind", "unknown kind \"MAP\"; known: map, program, link,"
                + " attachment");
        assertInvalid(() -> WireEnums.lifetime("lifetime", "forever"), "lifetime",
                "known: session, daemon");
        assertInvalid(() -> WireEnums.updateMode("mode", "upsert"), "mode", "known: any, noexist, exist");
        assertInvalid(() -> WireEnums.mapType("type", "unspec"), "type", "unknown map type \"unspec\"; known: hash,");
        assertInvalid(() -> WireEnums.programType("programs.main.type", "tracepionts"), "programs.main.type",
                "known: socket_filter,");
    }

    private interface Mapping {
        Object map() throws VarlinkError;
    }

    private static void assertInvalid(Mapping mapping, String parameter, String message) {
        assertThatThrownBy(mapping::map).isInstanceOfSatisfying(VarlinkError.class, error -> {
            assertThat(error.name()).isEqualTo(BpfkeeperInterface.INVALID_ARGUMENT);
            assertThat(error.parameters().get("parameter").asText()).isEqualTo(parameter);
            assertThat(error.getMessage()).contains(message);
        });
    }
}
