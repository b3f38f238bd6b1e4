package io.bpfkeeper.protocol.types;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The reply of Explain: whether bpfkeeper owns the object, every holder that keeps it alive, and
 * the verdict in plain words.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Explanation(boolean owned, List<Holder> holders, String verdict) {
}
