package io.bpfkeeper.daemon.kernel.link;

/**
 * A program attached without a link, such as a tc filter: the kernel's subsystem holds the program,
 * not any fd, so the attachment outlives whoever made it, the daemon included, until it is removed.
 */
public interface Attachment {

    int programId();

    AttachOptions options();

    /** What kind of attachment it is, such as "tc". */
    String typeName();

    /**
     * Removes it from its hook.
     *
     * @return false when it was gone already, or another program had taken its place
     */
    boolean detach();

    /** Who holds it, and how to remove it, in words. */
    String heldBy();
}
