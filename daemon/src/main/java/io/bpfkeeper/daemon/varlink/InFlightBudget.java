package io.bpfkeeper.daemon.varlink;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes in flight across all connections, and the slots for messages larger than a
 * connection's own budget. A connection that needs a slot while none is free waits, unread, in
 * arrival order: the slots' holders always read on, so their messages end and free them.
 */
final class InFlightBudget {

    private final AtomicLong bytes = new AtomicLong();
    private final ArrayDeque<ConnectionBudget> waiting = new ArrayDeque<>();
    private int freeSlots;

    /** @param largeMessageSlots how many messages larger than a connection's budget may be in flight */
    InFlightBudget(int largeMessageSlots) {
        this.freeSlots = largeMessageSlots;
    }

    /** Messages being received, calls queued or running, and replies not yet written, on every connection. */
    long bytesInFlight() {
        return bytes.get();
    }

    void add(long delta) {
        bytes.addAndGet(delta);
    }

    /** A slot for {@code connection}, or false: it is then told by {@link ConnectionBudget#slotGranted} later. */
    synchronized boolean takeSlot(ConnectionBudget connection) {
        if (freeSlots > 0) {
            freeSlots--;
            return true;
        }
        waiting.add(connection);
        return false;
    }

    /** Hands the slot to the longest-waiting connection, if any. */
    void returnSlot() {
        ConnectionBudget next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                freeSlots++;
                return;
            }
        }
        next.slotGranted();
    }

    synchronized void stopWaiting(ConnectionBudget connection) {
        waiting.remove(connection);
    }
}
