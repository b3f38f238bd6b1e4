package io.bpfkeeper.daemon.systemd;

import io.bpfkeeper.daemon.registry.Holdings;
import io.bpfkeeper.daemon.registry.OwnedObject;
import io.bpfkeeper.daemon.registry.Registry;
import io.bpfkeeper.daemon.registry.RegistryListener;

/** Keeps `systemctl status bpfkeeper` saying what the daemon holds, through STATUS= on every change. */
final class StatusReporter implements RegistryListener {

    private final Notifier notifier;
    private final Registry registry;

    StatusReporter(Notifier notifier, Registry registry) {
        this.notifier = notifier;
        this.registry = registry;
    }

    @Override
    public void added(OwnedObject object) {
        report();
    }

    @Override
    public void released(OwnedObject object) {
        report();
    }

    @Override
    public void changed(OwnedObject object) {
        report();
    }

    private void report() {
        notifier.send("STATUS=" + Holdings.of(registry).describe());
    }
}
