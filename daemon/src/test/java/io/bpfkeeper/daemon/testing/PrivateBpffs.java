package io.bpfkeeper.daemon.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test a bpffs instance of its own (see {@link BpffsMount}), mounted
 * before the test and unmounted after it. Register it on an instance field;
 * every field is a separate instance:
 *
 * <pre>{@code
 * @KernelTest
 * class PinTest {
 *     @RegisterExtension final PrivateBpffs bpffs = new PrivateBpffs();
 *
 *     @Test void pins() { Path pin = bpffs.path().resolve("counter"); ... }
 * }
 * }</pre>
 *
 * Combine it with {@link KernelTest}, so that a host without BPF skips the
 * test instead of failing in the mount.
 */
public final class PrivateBpffs implements BeforeEachCallback, AfterEachCallback {
    private BpffsMount mount;

    @Override
    public void beforeEach(ExtensionContext context) {
        mount = BpffsMount.create();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (mount != null) {
            mount.close();
            mount = null;
        }
    }

    /** The mount point of this test's bpffs instance. */
    public Path path() {
        if (mount == null) {
            throw new IllegalStateException(
                    "a PrivateBpffs is mounted only while a test runs: register it with @RegisterExtension");
        }
        return mount.path();
    }
}
