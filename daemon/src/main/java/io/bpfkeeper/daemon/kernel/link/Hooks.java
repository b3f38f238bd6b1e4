package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.BpfProgram;
import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.Part;
import io.bpfkeeper.daemon.kernel.ProgramType;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What every hook checks before it asks the kernel. */
final class Hooks {

    private Hooks() {
    }

    /**
     * Refuses a program of a type the hook does not run. The kernel would refuse it too, but with a
     * bare EINVAL that does not say which of the program and the hook is wrong.
     */
    static void requireType(BpfProgram program, String hook, ProgramType... fitting) {
        ProgramType type = program.info().type();
        if (Arrays.asList(fitting).contains(type)) {
            return;
        }
        throw new InvalidTargetException(Part.PROGRAM, program + " is a " + type + " program; hook " + hook
                + " runs " + Arrays.stream(fitting).map(ProgramType::name).collect(Collectors.joining(" or "))
                + " programs");
    }
}
