package io.bpfkeeper.daemon.registry;

import io.bpfkeeper.protocol.types.Lifetime;

/**
 * How many objects the daemon holds in each lifetime class. The classes fare differently when the
 * daemon stops: session objects are released; unpinned daemon-lifetime objects survive only in
 * systemd's fd store; pinned ones survive in bpffs; link-less attachments stay with the kernel.
 *
 * @param sessionPinned session-lifetime objects that also have a pin; they are counted in session
 * @param kernelHeld link-less attachments, such as tc filters: daemon-lifetime, without an fd
 */
public record Holdings(int session, int sessionPinned, int daemonUnpinned, int daemonPinned, int kernelHeld,
        int lost) {

    public static Holdings of(Registry registry) {
        int session = 0;
        int sessionPinned = 0;
        int daemonUnpinned = 0;
        int daemonPinned = 0;
        int kernelHeld = 0;
        for (OwnedObject object : registry.list(object -> true)) {
            boolean pinned = !object.pins().isEmpty();
            if (object instanceof OwnedObject.KernelHeld) {
                kernelHeld++;
            } else if (object.lifetime() == Lifetime.SESSION) {
                session++;
                sessionPinned += pinned ? 1 : 0;
            } else if (pinned) {
                daemonPinned++;
            } else {
                daemonUnpinned++;
            }
        }
        return new Holdings(session, sessionPinned, daemonUnpinned, daemonPinned, kernelHeld,
                registry.lost().size());
    }

    public int total() {
        return session + daemonUnpinned + daemonPinned + kernelHeld;
    }

    /** One line for systemd's STATUS=: what the daemon holds. */
    public String describe() {
        String held = "holding " + total() + " objects: " + (daemonUnpinned + daemonPinned + kernelHeld)
                + " daemon-lifetime (" + daemonUnpinned + " unpinned, " + daemonPinned + " pinned"
                + (kernelHeld == 0 ? "" : ", " + kernelHeld + " held by the kernel") + "), " + session
                + " session-lifetime";
        return lost == 0 ? held : held + "; " + lost + " lost at start (see List)";
    }
}
