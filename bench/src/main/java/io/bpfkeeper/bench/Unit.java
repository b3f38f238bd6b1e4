package io.bpfkeeper.bench;

import java.util.Locale;

/** How a figure's value reads. Values are kept in the unit that each constant names. */
enum Unit {
    NANOSECONDS {
        @Override
        String format(double nanoseconds) {
            // Milliseconds for the calls that fork a process or walk /proc, microseconds for round trips.
            if (Math.abs(nanoseconds) >= 1_000_000) {
                return String.format(Locale.ROOT, "%.2f ms", nanoseconds / 1_000_000);
            }
            return String.format(Locale.ROOT, "%.1f µs", nanoseconds / 1_000);
        }
    },
    PER_SECOND {
        @Override
        String format(double perSecond) {
            return String.format(Locale.ROOT, "%,.0f/s", perSecond);
        }
    },
    BYTES {
        @Override
        String format(double bytes) {
            if (Math.abs(bytes) < 1024) {
                return String.format(Locale.ROOT, "%.0f B", bytes);
            }
            if (Math.abs(bytes) < 1024 * 1024) {
                return String.format(Locale.ROOT, "%.2f KiB", bytes / 1024);
            }
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024 * 1024));
        }
    };

    abstract String format(double value);
}
