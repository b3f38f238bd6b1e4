package io.bpfkeeper.protocol.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.bpfkeeper.protocol.types.BpfObject;
import java.util.List;

/**
 * The reply of {@code io.bpfkeeper.LoadObject}.
 *
 * @param objects every program and map of the object, now owned
 * @param log what libbpf said during the load; null when it said nothing
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LoadedObject(List<BpfObject> objects, String log) {

    /** The value of the group label the daemon gave every object of this load. */
    public String group() {
        return objects.get(0).labels().get("bpfkeeper.io/group");
    }
}
