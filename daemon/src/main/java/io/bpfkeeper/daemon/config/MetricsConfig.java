package io.bpfkeeper.daemon.config;

import java.net.InetSocketAddress;

/**
 * Where the daemon serves Prometheus metrics, and whether it collects program run statistics.
 *
 * @param address where {@code /metrics} is served; null when metrics are off
 * @param programStats whether to hold a BPF_ENABLE_STATS fd, so that the kernel counts the runs and
 *     run time of every program. It costs cycles on every run of every program on the host, not
 *     only bpfkeeper's, so it is off unless asked for.
 */
public record MetricsConfig(InetSocketAddress address, boolean programStats) {

    /** Loopback only: metrics say which programs run where, which is not for every host on the network. */
    public static final String DEFAULT_ADDRESS = "127.0.0.1:9465";
    public static final String OFF_WORD = "off";
    public static final MetricsConfig OFF = new MetricsConfig(null, false);

    public boolean enabled() {
        return address != null;
    }

    /**
     * Reads {@code HOST:PORT} ({@code [::1]:9465} for IPv6) or {@code off}.
     *
     * @return null for {@code off}
     * @throws IllegalArgumentException when it is neither
     */
    public static InetSocketAddress parseAddress(String text) {
        if (text.equals(OFF_WORD)) {
            return null;
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT or off, got \"" + text + "\"");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port number in \"" + text + "\"");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range in \"" + text + "\"");
        }
        return new InetSocketAddress(host, port);
    }
}
