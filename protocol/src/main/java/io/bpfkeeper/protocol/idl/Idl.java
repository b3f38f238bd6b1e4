package io.bpfkeeper.protocol.idl;

/** Entry point of the Varlink interface definition language parser. */
public final class Idl {
    private Idl() {
    }

    /**
     * Parses and checks one interface definition: the syntax, the names, that
     * names are unique across types, methods and errors, and that every
     * referenced type is defined.
     *
     * @throws IdlSyntaxException at the first fault, with its line and column
     */
    public static InterfaceDefinition parse(String text) {
        return new IdlParser(text).parse();
    }
}
