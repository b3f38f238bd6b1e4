package io.bpfkeeper.protocol.idl;

/**
 * {@code [string]()}: a set of strings, sent as a JSON object whose keys are the
 * members and whose values are empty objects.
 */
public record SetType() implements VarlinkType {
}
