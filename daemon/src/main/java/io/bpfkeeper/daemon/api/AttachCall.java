package io.bpfkeeper.daemon.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.Fd;
import io.bpfkeeper.daemon.kernel.NetworkNamespace;
import io.bpfkeeper.daemon.kernel.link.Direction;
import io.bpfkeeper.daemon.kernel.link.NetDevice;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.types.AttachTarget;
import io.bpfkeeper.protocol.types.XdpMode;

/**
 * An Attach call as its hook's binding decodes it: the parameters, the program, and what the call
 * brought besides them. The members that several hooks share decode here.
 *
 * @param netnsFd the device's namespace when it came as an fd (netnsFd), which the caller owns; null otherwise
 */
record AttachCall(Params params, BpfProgram program, int callerUid, Fd netnsFd) {

    /** Reads the IDL's enums as the protocol's enums spell them, by their wire names. */
    private static final ObjectMapper WIRE = new ObjectMapper();

    /** The network device of xdp, tcx and tc, in its namespace: netnsFd, netns, or the daemon's own. */
    NetDevice device() {
        NetworkNamespace netns;
        if (netnsFd != null) {
            netns = NetworkNamespace.passed(netnsFd);
        } else if (params.has("netns")) {
            netns = NetworkNamespace.of(params.string("netns"), callerUid);
        } else {
            netns = NetworkNamespace.DAEMONS_OWN;
        }
        return new NetDevice(params.string("interface"), netns);
    }

    Direction direction() {
        return kernel(wire("direction", io.bpfkeeper.protocol.types.Direction.class));
    }

    /** A parameter of an IDL enum type, which the IDL validated to be one of its values. */
    <E extends Enum<E>> E wire(String parameter, Class<E> type) {
        return wireEnum(params, parameter, type);
    }

    /** A parameter of an IDL enum type as the protocol's enum, by the wire name it reads and writes. */
    static <E extends Enum<E>> E wireEnum(Params params, String parameter, Class<E> type) {
        return WIRE.convertValue(params.node(parameter), type);
    }

    /** Refuses a device's namespace given both ways. */
    static void requireOneNetns(Params params) throws VarlinkError {
        if (params.has("netns") && params.has("netnsFd")) {
            throw ApiErrors.invalidArgument("netnsFd", "give the namespace as netns or as netnsFd, not both");
        }
    }

    private static Direction kernel(io.bpfkeeper.protocol.types.Direction direction) {
        return switch (direction) {
            case INGRESS -> Direction.INGRESS;
            case EGRESS -> Direction.EGRESS;
        };
    }

    static io.bpfkeeper.protocol.types.Direction wire(Direction direction) {
        return switch (direction) {
            case INGRESS -> io.bpfkeeper.protocol.types.Direction.INGRESS;
            case EGRESS -> io.bpfkeeper.protocol.types.Direction.EGRESS;
        };
    }

    /** The device members of an AttachTarget, for xdp, tcx and tc. */
    static AttachTarget deviceTarget(NetDevice device, io.bpfkeeper.protocol.types.Direction direction,
            XdpMode mode, Long priority, Long handle) {
        return new AttachTarget(device.name(), device.netns().spec(), direction, mode, priority, handle, null, null,
                null, null, null, null);
    }
}
