package io.bpfkeeper.daemon.kernel.link;

import io.bpfkeeper.daemon.kernel.InvalidTargetException;
import io.bpfkeeper.daemon.kernel.Part;
import io.bpfkeeper.daemon.kernel.LibC;
import io.bpfkeeper.daemon.kernel.NetworkNamespace;

/** A network device, by name, in a network namespace. */
public record NetDevice(String name, NetworkNamespace netns) {

    /** IFNAMSIZ is 16, with the NUL. */
    private static final int MAX_NAME_LENGTH = 15;

    public NetDevice {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.contains("/") || name.isBlank()) {
            throw new InvalidTargetException(Part.INTERFACE,
                    "\"" + name + "\" is not a network device name: 1 to 15 characters, without '/'");
        }
    }

    /** The device's index. Call it in {@link #netns}, whose indexes these are. */
    int index() {
        int index = LibC.INSTANCE.if_nametoindex(name);
        if (index == 0) {
            throw new InvalidTargetException(Part.INTERFACE, "no network device " + name + " in " + netns);
        }
        return index;
    }

    /**
     * A command line of {@code ip} or {@code tc} that acts in the device's namespace, for the hints
     * of errors and Explain: the daemon's own namespace is the one users are in, a named one takes
     * {@code -n}, a process's nsenter.
     */
    public String command(String tool, String arguments) {
        return netns.command(tool) + " " + arguments;
    }

    @Override
    public String toString() {
        return netns.spec() == null ? name : name + " in netns " + netns.spec();
    }
}
