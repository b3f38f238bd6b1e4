package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.kernel.link.Attachment;
import io.bpfkeeper.daemon.kernel.link.BpfLink;
import io.bpfkeeper.protocol.types.AttachmentProperties;
import io.bpfkeeper.protocol.types.LinkProperties;

/**
 * Links and attachments as the IDL's {@code LinkProperties} and {@code AttachmentProperties} describe
 * them; where they attach is their hook's binding's to say.
 */
final class AttachViews {

    private AttachViews() {
    }

    static LinkProperties link(BpfLink link) {
        HookBinding<?> hook = HookBinding.of(link.options());
        return new LinkProperties(hook.hook(), link.programId(), hook.targetOf(link.options()),
                link.isAttached());
    }

    static AttachmentProperties attachment(Attachment attachment) {
        HookBinding<?> hook = HookBinding.of(attachment.options());
        return new AttachmentProperties(hook.hook(), attachment.programId(),
                hook.targetOf(attachment.options()), attachment.heldBy());
    }
}
