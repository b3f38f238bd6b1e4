package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.Part;

/** The call parameter that gives each part the kernel layer can find at fault, for InvalidArgument. */
final class PartParameters {

    private PartParameters() {
    }

    static String parameter(Part part) {
        return switch (part) {
            case PROGRAM -> "programId";
            case ATTACH_TYPE -> "attachType";
            case NETNS -> "netns";
            case NETNS_FD -> "netnsFd";
            case INTERFACE -> "interface";
            case CGROUP -> "cgroup";
            case FUNCTION -> "function";
            case TRACEPOINT_CATEGORY -> "category";
            case TRACEPOINT_NAME -> "name";
            case TC_PRIORITY -> "priority";
        };
    }
}
