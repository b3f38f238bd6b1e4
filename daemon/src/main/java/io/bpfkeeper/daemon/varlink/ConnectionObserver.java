package io.bpfkeeper.daemon.varlink;

/** Told when clients come and go, so that session-lifetime objects can follow their connection. */
public interface ConnectionObserver {

    void opened(Connection connection);

    /** Called once, after the connection's last call has finished. */
    void closed(Connection connection);

    ConnectionObserver NONE = new ConnectionObserver() {
        @Override
        public void opened(Connection connection) {
        }

        @Override
        public void closed(Connection connection) {
        }
    };
}
