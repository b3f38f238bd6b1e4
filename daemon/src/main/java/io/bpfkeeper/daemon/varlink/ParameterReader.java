package io.bpfkeeper.daemon.varlink;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * Reads one method's call parameters straight from the JSON parser into the object its handler
 * takes, for a method whose parameters are too many to build a JSON tree of first: a batch of
 * 100,000 map entries as a tree is tens of megabytes of small objects. A reader takes the place of
 * the IDL check for its method, so it enforces exactly what the protocol's {@code Validator}
 * enforces on a tree (missing, unknown and mistyped fields, values outside an enum), and names the
 * same parameter path when it refuses them.
 *
 * <p>It reads from the message's own parser when "parameters" follows "method" in the message, as
 * clients send them, and from a parser over the parameters' tree when they come first.
 */
@FunctionalInterface
public interface ParameterReader {

    /**
     * @param parser at the START_OBJECT of the parameters. The reader leaves it at the matching
     *     END_OBJECT, whether it accepts the parameters or not, so that the rest of the message can
     *     be read: a fault it finds early need not be the one to report, as the Validator reports
     *     the first fault in declaration order.
     * @return what the handler gets from {@link CallContext#readParameters}
     * @throws VarlinkError InvalidParameter, naming the parameter that the Validator would name
     * @throws IOException when the JSON is malformed, which is a protocol violation
     */
    Object read(JsonParser parser) throws IOException, VarlinkError;
}
