package io.bpfkeeper.daemon.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs tests guarded by the condition through a real JUnit engine, with the
 * host probe replaced, to see what a developer and CI would see on a host
 * without BPF.
 */
class BpfAvailableConditionTest {
    private static final String UNAVAILABLE = "mount: permission denied";

    @Test
    void runsTheTestWhereBpfWorks() {
        events(WhereBpfWorks.class).assertStatistics(stats -> stats.succeeded(1).skipped(0).failed(0));
    }

    @Test
    void skipsTheTestWithTheReasonWhereBpfIsUnusable() {
        events(WithoutBpf.class)
                .assertThatEvents()
                .haveExactly(1, event(test("needsTheKernel"),
                        skippedWithReason("BPF is unusable on this host: " + UNAVAILABLE)));
    }

    @Test
    void failsTheTestInsteadUnderCi() {
        events(WithoutBpfUnderCi.class)
                .assertThatEvents()
                .haveExactly(1, event(test("needsTheKernel"), finishedWithFailure(message(text ->
                        text.contains("CI=true, so a kernel test must run, but BPF is unusable on this host: "
                                + UNAVAILABLE)))));
    }

    private static Events events(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
    }

    // The fixtures are nested classes, which Surefire does not run on its own.

    static class WhereBpfWorks {
        @RegisterExtension
        final BpfAvailableCondition condition = new BpfAvailableCondition(Optional::empty, true);

        @Test
        void needsTheKernel() {}
    }

    static class WithoutBpf {
        @RegisterExtension
        final BpfAvailableCondition condition = new BpfAvailableCondition(() -> Optional.of(UNAVAILABLE), false);

        @Test
        void needsTheKernel() {}
    }

    static class WithoutBpfUnderCi {
        @RegisterExtension
        final BpfAvailableCondition condition = new BpfAvailableCondition(() -> Optional.of(UNAVAILABLE), true);

        @Test
        void needsTheKernel() {}
    }
}
