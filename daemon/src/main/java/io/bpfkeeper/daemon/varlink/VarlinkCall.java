package io.bpfkeeper.daemon.varlink;

/**
 * One decoded call message.
 *
 * @param method fully qualified, such as {@code io.bpfkeeper.CreateMap}
 * @param parameters never null: a missing or null "parameters" is an empty object
 */
public record VarlinkCall(String method, CallParameters parameters, boolean oneway, boolean more, boolean upgrade) {

    /** "io.bpfkeeper" of "io.bpfkeeper.CreateMap". */
    public String interfaceName() {
        int dot = method.lastIndexOf('.');
        return dot < 0 ? "" : method.substring(0, dot);
    }
}
