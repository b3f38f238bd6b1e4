package io.bpfkeeper.daemon.systemd;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends WATCHDOG=1 at half the interval systemd asked for in WATCHDOG_USEC, as sd_watchdog_enabled
 * advises, so that one late ping does not get the daemon killed. A JVM that stops scheduling
 * threads (a GC death spiral, a stuck safepoint) stops pinging, and systemd restarts it.
 */
final class Watchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

    private final Notifier notifier;
    private final Duration interval;
    private ScheduledExecutorService pinger;

    private Watchdog(Notifier notifier, Duration interval) {
        this.notifier = notifier;
        this.interval = interval;
    }

    /** The watchdog systemd asked for, if WATCHDOG_USEC is set for this process. */
    static Optional<Watchdog> fromEnvironment(Map<String, String> environment, long pid, Notifier notifier) {
        String usec = environment.get("WATCHDOG_USEC");
        String watchdogPid = environment.get("WATCHDOG_PID");
        if (usec == null || !notifier.connected()) {
            return Optional.empty();
        }
        if (watchdogPid != null && !watchdogPid.equals(Long.toString(pid))) {
            return Optional.empty();
        }
        try {
            long micros = Long.parseLong(usec);
            if (micros <= 0) {
                return Optional.empty();
            }
            return Optional.of(new Watchdog(notifier, Duration.ofNanos(micros * 1000)));
        } catch (NumberFormatException e) {
            log.warn("WATCHDOG_USEC={} is not a number; not pinging systemd's watchdog", usec);
            return Optional.empty();
        }
    }

    synchronized void start() {
        long periodMicros = Math.max(1, interval.toNanos() / 1000 / 2);
        pinger = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bpfkeeper-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        pinger.scheduleAtFixedRate(() -> notifier.send("WATCHDOG=1"), 0, periodMicros, TimeUnit.MICROSECONDS);
        log.info("pinging systemd's watchdog every {} ms (WATCHDOG_USEC is {} ms)", periodMicros / 1000,
                interval.toMillis());
    }

    @Override
    public synchronized void close() {
        if (pinger != null) {
            pinger.shutdownNow();
        }
    }
}
