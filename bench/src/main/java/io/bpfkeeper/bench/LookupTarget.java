package io.bpfkeeper.bench;

import io.bpfkeeper.protocol.client.BpfkeeperClient;
import io.bpfkeeper.protocol.client.CreateMapRequest;
import io.bpfkeeper.protocol.client.MapValue;
import io.bpfkeeper.protocol.types.Lifetime;

/**
 * The MapLookup that the round-trip benchmarks send to the daemon and to the echo server alike: one
 * key of a hash map with 4-byte keys and 8-byte values, held by the daemon for as long as this
 * object is open. The echo server's fixed reply is the daemon's reply to this call.
 */
final class LookupTarget implements AutoCloseable {

    static final String KEY = "01000000";
    static final String VALUE = "0100000000000000";

    /** The connection that owns the map: the map lives as long as it, with a session lifetime. */
    private final BpfkeeperClient owner;
    private final long mapId;

    private LookupTarget(BpfkeeperClient owner, long mapId) {
        this.owner = owner;
        this.mapId = mapId;
    }

    static LookupTarget create(DaemonProcess daemon) {
        BpfkeeperClient owner = daemon.connect();
        try {
            long mapId = owner.createMap(CreateMapRequest.of("bench_lookup", "hash", 4, 8, 1)
                    .withLifetime(Lifetime.SESSION)).id();
            owner.mapUpdate(mapId, KEY, VALUE, null);
            return new LookupTarget(owner, mapId);
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    /** Looks the key up through {@code client}, and checks that the reply holds the value. */
    void lookup(BpfkeeperClient client) {
        MapValue value = client.mapLookup(mapId, KEY).orElseThrow();
        if (!VALUE.equals(value.value())) {
            throw new IllegalStateException("MapLookup of map " + mapId + " returned " + value.value());
        }
    }

    @Override
    public void close() {
        owner.close();
    }
}
