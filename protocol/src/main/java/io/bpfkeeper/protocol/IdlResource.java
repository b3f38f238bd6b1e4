package io.bpfkeeper.protocol;

import io.bpfkeeper.protocol.idl.Idl;
import io.bpfkeeper.protocol.idl.InterfaceDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads an interface definition that ships in this package's resources. */
final class IdlResource {
    private IdlResource() {
    }

    static InterfaceDefinition load(String fileName) {
        try (InputStream in = IdlResource.class.getResourceAsStream(fileName)) {
            if (in == null) {
                throw new IllegalStateException("resource " + fileName + " is missing from the jar");
            }
            return Idl.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
