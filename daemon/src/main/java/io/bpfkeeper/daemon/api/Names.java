package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.KernelEnum;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import java.util.List;
import java.util.regex.Pattern;

/** Object names as the kernel accepts them, checked up front so the error says what is wrong. */
final class Names {

    /** BPF_OBJ_NAME_LEN is 16 including the NUL; the kernel allows letters, digits, '_' and '.'. */
    private static final Pattern OBJECT_NAME = Pattern.compile("[A-Za-z0-9_.]{0,15}");

    private Names() {
    }

    static String objectName(Params params, String parameter) throws VarlinkError {
        String name = params.string(parameter);
        if (!OBJECT_NAME.matcher(name).matches()) {
            throw ApiErrors.invalidArgument(parameter,
                    "\"" + name + "\" is not a BPF object name: at most 15 letters, digits, '_' or '.'");
        }
        return name;
    }

    /**
     * The kernel value of a type named as bpftool names it, such as "percpu_hash". The error lists
     * every known name, so a typo is quick to fix.
     */
    static int kernelValue(Params params, String parameter, KernelEnum names, String what) throws VarlinkError {
        return kernelValue(params.string(parameter), parameter, names, what);
    }

    static int kernelValue(String name, String parameter, KernelEnum names, String what) throws VarlinkError {
        List<String> known = names.names().stream().filter(each -> !each.equals("unspec")).toList();
        if (!known.contains(name)) {
            throw ApiErrors.invalidArgument(parameter,
                    "unknown " + what + " \"" + name + "\"; known: " + String.join(", ", known));
        }
        return names.value(name).orElseThrow();
    }
}
