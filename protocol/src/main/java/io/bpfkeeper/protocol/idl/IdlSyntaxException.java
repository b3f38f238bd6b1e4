package io.bpfkeeper.protocol.idl;

/**
 * The text is not a valid Varlink interface definition. Semantic faults, such as
 * a duplicate name or a reference to an undefined type, are reported the same
 * way, at the name that causes them.
 */
public final class IdlSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    /**
     * @param line 1-based
     * @param column 1-based, in UTF-16 chars from the start of the line
     */
    public IdlSyntaxException(String reason, int line, int column) {
        super("line " + line + ", column " + column + ": " + reason);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
