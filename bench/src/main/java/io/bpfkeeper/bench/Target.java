package io.bpfkeeper.bench;

import java.util.Locale;

/**
 * What a figure should reach: a bound on its ratio to the baseline, or on its own value where no
 * baseline fits (memory per object).
 */
record Target(boolean onRatio, boolean atMost, double bound) {

    static Target ratioAtMost(double bound) {
        return new Target(true, true, bound);
    }

    static Target ratioAtLeast(double bound) {
        return new Target(true, false, bound);
    }

    static Target valueAtMost(double bound) {
        return new Target(false, true, bound);
    }

    boolean metBy(Figure figure) {
        double measured = onRatio ? figure.ratio() : figure.value();
        return atMost ? measured <= bound : measured >= bound;
    }

    String describe(Unit unit) {
        String comparison = atMost ? "≤ " : "≥ ";
        return onRatio ? String.format(Locale.ROOT, "ratio %s%.2f", comparison, bound) : comparison + unit.format(bound);
    }
}
