package io.bpfkeeper.daemon.api;

import io.bpfkeeper.daemon.varlink.CallContext;
import java.util.Map;

/**
 * Sends items as a Varlink "more" stream: one reply per item, each marked "continues" except the
 * last. The last item is only known once the next one fails to come, so one item waits in hand.
 * With no items at all the stream is a single empty reply.
 */
final class ReplyStream {

    private final CallContext call;
    private Object held;

    ReplyStream(CallContext call) {
        this.call = call;
    }

    void add(Object item) {
        if (held != null) {
            call.replyContinues(held);
        }
        held = item;
    }

    void finish() {
        call.reply(held != null ? held : Map.of());
    }

    /**
     * Finishes with a last reply that counts the items the caller may not see described, when there
     * are any.
     */
    void finishCounting(int hidden) {
        if (hidden > 0) {
            add(Map.of("hidden", hidden));
        }
        finish();
    }
}
