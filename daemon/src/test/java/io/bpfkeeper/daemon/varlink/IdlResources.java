package io.bpfkeeper.daemon.varlink;

import io.bpfkeeper.protocol.idl.Idl;
import io.bpfkeeper.protocol.idl.InterfaceDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Interface definitions that ship as resources beside a class, such as the test-only ones. */
public final class IdlResources {

    private IdlResources() {
    }

    /** The file's text exactly, as GetInterfaceDescription should return it. */
    public static String text(Class<?> neighbour, String fileName) {
        try (InputStream in = neighbour.getResourceAsStream(fileName)) {
            if (in == null) {
                throw new IllegalStateException("resource " + fileName + " is missing beside " + neighbour.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static InterfaceDefinition definition(Class<?> neighbour, String fileName) {
        return Idl.parse(text(neighbour, fileName));
    }
}
