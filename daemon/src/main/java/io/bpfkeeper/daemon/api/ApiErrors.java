package io.bpfkeeper.daemon.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bpfkeeper.daemon.kernel.BpfException;
import io.bpfkeeper.daemon.kernel.PartialBatchException;
import io.bpfkeeper.daemon.kernel.VerifierException;
import io.bpfkeeper.daemon.kernel.libbpf.ElfObjectException;
import io.bpfkeeper.daemon.policy.Decision;
import io.bpfkeeper.daemon.registry.ObjectKey;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.BpfkeeperInterface;

/** The io.bpfkeeper errors, each with a human-readable "message" beside its structured fields. */
final class ApiErrors {

    /** The verifier log is cut to its tail: the end names the instruction that failed. */
    static final int MAX_LOG_BYTES = 64 * 1024;

    private ApiErrors() {
    }

    private static VarlinkError error(String name, String message, ObjectNode fields) {
        fields.put("message", message);
        return new VarlinkError(name, fields);
    }

    static VarlinkError noSuchObject(ObjectKey key) {
        return error(BpfkeeperInterface.NO_SUCH_OBJECT, "bpfkeeper owns no " + key,
                VarlinkError.params().put("kind", key.kind().wireName()).put("id", key.id()));
    }

    static VarlinkError noSuchKey(int mapId, String key) {
        return error(BpfkeeperInterface.NO_SUCH_KEY, "key " + key + " is not in map " + mapId,
                VarlinkError.params().put("id", mapId).put("key", key));
    }

    static VarlinkError invalidArgument(String parameter, String message) {
        return error(BpfkeeperInterface.INVALID_ARGUMENT, parameter + ": " + message,
                VarlinkError.params().put("parameter", parameter));
    }

    static VarlinkError invalidPinPath(String path, String reason) {
        return error(BpfkeeperInterface.INVALID_PIN_PATH, "pin path " + path + ": " + reason,
                VarlinkError.params().put("path", path).put("reason", reason));
    }

    static VarlinkError notOwner(ObjectKey key, int ownerUid, int callerUid) {
        return permissionDenied(key, ownerUid, callerUid,
                key + " belongs to uid " + ownerUid + "; only that uid or root may change it");
    }

    static VarlinkError permissionDenied(ObjectKey key, int ownerUid, int callerUid, String message) {
        return error(BpfkeeperInterface.PERMISSION_DENIED, message,
                VarlinkError.params().put("kind", key.kind().wireName()).put("id", key.id())
                        .put("ownerUid", ownerUid).put("callerUid", callerUid));
    }

    static VarlinkError permissionDenied(int callerUid, String message) {
        return error(BpfkeeperInterface.PERMISSION_DENIED, message, VarlinkError.params().put("callerUid", callerUid));
    }

    /** A refusal of the policy: it names the rule or default that refused, and the grant that would allow it. */
    static VarlinkError refused(int callerUid, Decision.Deny deny) {
        return error(BpfkeeperInterface.PERMISSION_DENIED, deny.message(), VarlinkError.params()
                .put("callerUid", callerUid).put("refusedBy", deny.refusedBy()).put("grant", deny.grant()));
    }

    static VarlinkError alreadyOwned(ObjectKey key) {
        return error(BpfkeeperInterface.ALREADY_OWNED, key + " is owned by bpfkeeper already",
                VarlinkError.params().put("kind", key.kind().wireName()).put("id", key.id()));
    }

    static VarlinkError kernel(BpfException failure) {
        if (failure instanceof VerifierException) {
            return rejected((VerifierException) failure);
        }
        return error(BpfkeeperInterface.KERNEL_ERROR, failure.getMessage(), VarlinkError.params()
                .put("operation", failure.operation())
                .put("errno", failure.errno())
                .put("errnoName", failure.errnoName())
                .put("hint", failure.hint()));
    }

    private static VarlinkError rejected(VerifierException failure) {
        String log = failure.log();
        boolean truncated = log.length() > MAX_LOG_BYTES;
        String tail = truncated ? log.substring(log.length() - MAX_LOG_BYTES) : log;
        String message = failure.getMessage() + (truncated
                ? " (the log is cut to its last " + MAX_LOG_BYTES + " bytes)" : "");
        ObjectNode fields = VarlinkError.params()
                .put("program", failure.program())
                .put("errno", failure.errno())
                .put("errnoName", failure.errnoName())
                .put("log", tail)
                .put("logTruncated", truncated);
        if (failure.loaderLog() != null) {
            fields.put("libbpfLog", failure.loaderLog());
        }
        return error(BpfkeeperInterface.PROGRAM_REJECTED, message, fields);
    }

    static VarlinkError batchIncomplete(PartialBatchException failure) {
        return error(BpfkeeperInterface.BATCH_INCOMPLETE,
                failure.getMessage() + "; " + (failure.completed() == 0 ? "nothing was written"
                        : "entries 0 to " + (failure.completed() - 1) + " were written")
                        + "; entries[" + failure.completed() + "] failed and the rest were not tried",
                VarlinkError.params()
                        .put("written", failure.completed())
                        .put("errno", failure.errno())
                        .put("errnoName", failure.errnoName())
                        .put("hint", failure.hint()));
    }

    static VarlinkError invalidObject(ElfObjectException failure) {
        ObjectNode fields = VarlinkError.params().put("log", failure.libbpfLog());
        if (failure.option() != null) {
            fields.put("option", failure.option());
        }
        return error(BpfkeeperInterface.INVALID_OBJECT, failure.getMessage(), fields);
    }

    /** systemd's fd store has no entry left for an object that needs one to survive a restart. */
    static VarlinkError fdStoreFull(int capacity, int used, int adding) {
        return error(BpfkeeperInterface.RESOURCE_EXHAUSTED, "systemd's fd store is full: it holds " + used + " of its "
                + capacity + " entries (FileDescriptorStoreMax= of bpfkeeper.service), and " + adding + " more unpinned"
                + " daemon-lifetime object" + (adding == 1 ? "" : "s") + " would need an entry each to survive a restart"
                + " of the daemon; pin " + (adding == 1 ? "it" : "them") + ", make " + (adding == 1 ? "it" : "them")
                + " session-lifetime, release others, or raise FileDescriptorStoreMax=",
                VarlinkError.params().put("resource", "fdStore").put("limit", capacity));
    }

    static VarlinkError internal(String message) {
        return error(BpfkeeperInterface.INTERNAL_ERROR, message, VarlinkError.params());
    }

    static VarlinkError messageTooLarge(long limit) {
        return error(BpfkeeperInterface.MESSAGE_TOO_LARGE,
                "message longer than the limit of " + limit + " bytes; the connection is closed",
                VarlinkError.params().put("limit", limit));
    }

    static VarlinkError protocolViolation(String message) {
        return error(BpfkeeperInterface.PROTOCOL_VIOLATION, message + "; the connection is closed",
                VarlinkError.params());
    }
}
