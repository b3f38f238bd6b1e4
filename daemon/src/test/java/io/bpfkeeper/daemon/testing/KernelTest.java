package io.bpfkeeper.daemon.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that needs the real kernel's BPF: root, the
 * bpf() syscall and bpffs. Where they are missing, the test is skipped with
 * the reason, except under {@code CI=true}, where it fails; see
 * {@link BpfAvailableCondition}. Tagged "kernel", so that
 * {@code mvn verify -DexcludedGroups=kernel} runs the rest alone.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("kernel")
@ExtendWith(BpfAvailableCondition.class)
public @interface KernelTest {}
