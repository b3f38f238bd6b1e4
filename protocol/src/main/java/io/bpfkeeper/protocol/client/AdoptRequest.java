package io.bpfkeeper.protocol.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.bpfkeeper.protocol.types.Kind;
import io.bpfkeeper.protocol.types.Lifetime;
import java.util.Map;

/**
 * The parameters of {@code io.bpfkeeper.Adopt}: an object named either by
 * the path of a pin ({@link #byPath}) or by kind and kernel id
 * ({@link #byId}, root only), with optional lifetime and labels;
 * {@code null} leaves a parameter out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AdoptRequest(String path, Kind kind, Long id, Lifetime lifetime, Map<String, String> labels) {

    public static AdoptRequest byPath(String path) {
        return new AdoptRequest(path, null, null, null, null);
    }

    public static AdoptRequest byId(Kind kind, long id) {
        return new AdoptRequest(null, kind, id, null, null);
    }

    public AdoptRequest withLifetime(Lifetime newLifetime) {
        return new AdoptRequest(path, kind, id, newLifetime, labels);
    }

    public AdoptRequest withLabels(Map<String, String> newLabels) {
        return new AdoptRequest(path, kind, id, lifetime, newLabels);
    }
}
