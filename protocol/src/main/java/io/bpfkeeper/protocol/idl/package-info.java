/**
 * The Varlink interface definition language: {@link io.bpfkeeper.protocol.idl.Idl#parse}
 * turns IDL text into an {@link io.bpfkeeper.protocol.idl.InterfaceDefinition}, and a
 * {@link io.bpfkeeper.protocol.idl.Validator} checks JSON calls, replies and errors
 * against one. Knows nothing of sockets or of any particular interface.
 */
package io.bpfkeeper.protocol.idl;
