package io.bpfkeeper.daemon.api;

import com.fasterxml.jackson.core.JsonParser;
import io.bpfkeeper.daemon.varlink.ParameterReader;
import io.bpfkeeper.daemon.varlink.VarlinkError;
import io.bpfkeeper.protocol.BpfkeeperInterface;
import io.bpfkeeper.protocol.idl.StreamValidator;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where each parameter of one method goes: into fields of {@code F} as they are read, checked against
 * the IDL as they pass, and then into the typed record {@code R} that the handler takes. Its
 * {@link #read} is the method's {@link ParameterReader}, so it reads the parameters straight from
 * the message, and from a parser over their tree when they came before the method's name.
 *
 * @param <F> one call's fields, filled in as they are read
 * @param <R> the record the handler takes
 */
final class FieldTable<F, R> {

    private final StreamValidator<F> validator;
    private final Supplier<F> fields;
    private final Function<F, R> record;

    /** @param sinks by parameter path, such as "id" or "entries[].key"; see {@link StreamValidator} */
    FieldTable(String method, Supplier<F> fields, Map<String, StreamValidator.Sink<F>> sinks, Function<F, R> record) {
        this.validator = new StreamValidator<>(BpfkeeperInterface.definition(), method, sinks);
        this.fields = fields;
        this.record = record;
    }

    /** The method's {@link ParameterReader}: InvalidParameter names what the IDL's Validator would name. */
    R read(JsonParser parser) throws IOException, VarlinkError {
        F read = fields.get();
        Optional<String> fault = validator.read(parser, read);
        if (fault.isPresent()) {
            throw VarlinkError.invalidParameter(fault.get());
        }
        return record.apply(read);
    }
}
