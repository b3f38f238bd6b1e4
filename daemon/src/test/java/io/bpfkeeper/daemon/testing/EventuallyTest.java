package io.bpfkeeper.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventuallyTest {

    @Test
    void returnsAsSoonAsTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();

        Eventually.until(Duration.ofSeconds(10), () -> polls.incrementAndGet() == 3, "the third poll");

        assertThat(polls).hasValue(3);
    }

    @Test
    void failsWithTheDescriptionAtTheDeadline() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> Eventually.until(Duration.ofMillis(100), () -> false, "map 42 is freed"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("still not true after PT0.1S: map 42 is freed");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }
}
