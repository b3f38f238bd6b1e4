package io.bpfkeeper.daemon.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The BPF objects that the build compiles from daemon/src/test/bpf/NAME.bpf.c. */
public final class BpfTestObjects {

    private BpfTestObjects() {}

    /** The compiled object of daemon/src/test/bpf/NAME.bpf.c, from the test classpath. */
    public static Path path(String name) {
        String resource = "bpf/" + name + ".bpf.o";
        URL url = BpfTestObjects.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException(resource + " is not on the test classpath: does daemon/src/test/bpf/" + name
                    + ".bpf.c exist, and has Maven run src/main/bpf/build.sh (process-test-resources) since?");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The bytes of the compiled object of daemon/src/test/bpf/NAME.bpf.c, also when it is inside the
     * daemon's test-support jar, as for the end-to-end tests.
     */
    public static byte[] bytes(String name) {
        try (var in = BpfTestObjects.class.getClassLoader().getResourceAsStream("bpf/" + name + ".bpf.o")) {
            if (in == null) {
                path(name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where the 8-byte instruction {@code hex} first lies in {@code object}, for a test that edits it
     * as an attacker would edit an object by hand.
     */
    public static int offsetOf(byte[] object, String hex) {
        byte[] instruction = java.util.HexFormat.of().parseHex(hex);
        for (int i = 0; i + instruction.length <= object.length; i++) {
            if (java.util.Arrays.equals(object, i, i + instruction.length, instruction, 0, instruction.length)) {
                return i;
            }
        }
        throw new IllegalStateException("the object lacks the instruction " + hex);
    }
}
