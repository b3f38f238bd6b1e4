package io.bpfkeeper.packaging.soak;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the soak's clients were told and did, shared by all of them: every object whose creation
 * was acknowledged, by owner, and the objects whose fate a client made uncertain on purpose (it
 * sent a Release or an Adopt naming it); counters of calls and outcomes; and findings, which fail
 * the soak.
 */
final class Ledger {

    /** An object a client saw acknowledged, from the reply's own record. */
    record Acknowledged(String kind, long id, int ownerUid, String lifetime, String method, String type) {
        boolean mustSurvive() {
            return lifetime.equals("daemon");
        }
    }

    private final Map<String, Acknowledged> acknowledged = new ConcurrentHashMap<>();
    private final Map<String, Acknowledged> uncertain = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final List<String> findings = new ArrayList<>();

    private static String key(String kind, long id) {
        return kind + " " + id;
    }

    /**
     * Records the objects of a successful reply to {@code caller}'s {@code method}: "object" or each
     * of "objects". An object owned by anyone but the caller is a finding.
     */
    void acknowledge(int caller, String method, JsonNode reply) {
        List<JsonNode> objects = new ArrayList<>();
        if (reply.has("object") && reply.get("object").isObject()) {
            objects.add(reply.get("object"));
        }
        reply.path("objects").forEach(objects::add);
        for (JsonNode object : objects) {
            int owner = object.path("owner").path("uid").asInt(-1);
            if (owner != caller) {
                finding(method + " by uid " + caller + " answered with an object of uid " + owner + ": " + object);
            }
            Acknowledged record = new Acknowledged(object.path("kind").asText(), object.path("id").asLong(), owner,
                    object.path("lifetime").asText(), method, object.path("type").asText());
            Acknowledged before = acknowledged.put(key(record.kind(), record.id()), record);
            if (before != null && before.ownerUid() != owner) {
                finding(method + " by uid " + caller + " took " + record.kind() + " " + record.id() + " of uid "
                        + before.ownerUid());
            }
            count("acknowledged " + record.kind());
        }
    }

    /** The caller is about to ask for a change to its own object {@code id} that may end it. */
    void mayEnd(int caller, long id) {
        acknowledged.values().removeIf(record -> {
            if (record.id() == id && record.ownerUid() == caller) {
                uncertain.put(key(record.kind(), record.id()), record);
                return true;
            }
            return false;
        });
    }

    /** Ids of the objects of {@code uid} (or of everyone else's, with {@code others}), of {@code kind} or any. */
    List<Long> ids(int uid, boolean others, String kind) {
        List<Long> ids = new ArrayList<>();
        for (Acknowledged record : acknowledged.values()) {
            if ((record.ownerUid() == uid) != others && (kind == null || record.kind().equals(kind))) {
                ids.add(record.id());
            }
        }
        return ids;
    }

    static long pick(List<Long> ids, SplittableRandom random, long otherwise) {
        return ids.isEmpty() ? otherwise : ids.get(random.nextInt(ids.size()));
    }

    List<Acknowledged> acknowledged() {
        return List.copyOf(acknowledged.values());
    }

    int uncertainCount() {
        return uncertain.size();
    }

    void count(String what) {
        count(what, 1);
    }

    void count(String what, long amount) {
        counters.computeIfAbsent(what, name -> new LongAdder()).add(amount);
    }

    long counted(String what) {
        LongAdder counter = counters.get(what);
        return counter == null ? 0 : counter.sum();
    }

    /** Every counter, sorted by name. */
    Map<String, Long> counters() {
        Map<String, Long> sorted = new TreeMap<>();
        counters.forEach((name, value) -> sorted.put(name, value.sum()));
        return sorted;
    }

    synchronized void finding(String what) {
        if (findings.size() < 100) {
            findings.add(what);
        }
        count("findings");
    }

    synchronized List<String> findings() {
        return List.copyOf(findings);
    }
}
