package io.bpfkeeper.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The daemon's Prometheus scrape while it holds many maps ({@link HeldMaps}, 10,000 by default)
 * against its scrape holding none, just before, in the same round (issue 6): per-object series would
 * make the first grow with the objects. Each side is the median of {@link #SCRAPES_PER_ROUND}
 * {@code GET /metrics}, each from connecting to the last byte of the body, as curl does it.
 *
 * <p>Each scrape has a connection of its own (HTTP/1.0): on a connection kept alive, the JDK's
 * HTTP server answers every request but the first about 40 ms late (it writes the headers and the
 * body apart, and Nagle's algorithm holds the body until the client's delayed ACK), which would
 * hide the scrape's own cost on both sides of the ratio. The harness runs as root, so every map
 * has one owner uid; program run statistics are off, the default.
 */
final class MetricsScrape implements Benchmark {

    private static final int SCRAPES_PER_ROUND = 10;
    private static final String OWNED_OBJECTS = "bpfkeeper_owned_objects{";

    /** One side of a round: how long a scrape took, and how big it was. */
    private record Sample(double nanoseconds, double bytes) {
    }

    @Override
    public String name() {
        return "scrape";
    }

    @Override
    public List<Figure> run(BenchContext context) throws Exception {
        DaemonProcess daemon = context.daemon();
        Rounds.Paired<Sample> rounds = HeldMaps.holdingAgainstNone(context, heldMaps -> measure(daemon, heldMaps));
        String held = String.format("%,d", context.options().heldMaps());
        return List.of(
                Figure.compared("scrape holding " + held + " maps", Unit.NANOSECONDS, rounds, Sample::nanoseconds,
                        "scrape holding none", Target.ratioAtMost(10)),
                Figure.compared("scrape size holding " + held + " maps", Unit.BYTES, rounds, Sample::bytes,
                        "holding none", null));
    }

    /**
     * Scrapes once the daemon is done with the last round's creations or releases, after checking
     * that the scrape counts the objects it owns now.
     */
    private static Sample measure(DaemonProcess daemon, int ownedObjects) throws Exception {
        daemon.awaitQuiet();
        URI metrics = daemon.metrics();
        String body = scrape(metrics);
        if (ownedObjects(body) != ownedObjects) {
            throw new IllegalStateException("the scrape counts " + ownedObjects(body) + " owned objects, not "
                    + ownedObjects);
        }
        return new Sample(Timed.median(SCRAPES_PER_ROUND, () -> scrape(metrics)), body.length());
    }

    /** The body of one HTTP/1.0 GET, after which the server closes the connection. */
    private static String scrape(URI metrics) throws IOException {
        try (Socket socket = new Socket(metrics.getHost(), metrics.getPort())) {
            socket.getOutputStream().write(("GET " + metrics.getPath() + " HTTP/1.0\r\nHost: " + metrics.getHost()
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!response.startsWith("HTTP/1.1 200 ") && !response.startsWith("HTTP/1.0 200 ")) {
                throw new IOException("GET " + metrics + " answered " + response.lines().findFirst().orElse(""));
            }
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    /** The sum of the owned-object gauges, one per kind and lifetime. */
    private static long ownedObjects(String scrape) {
        return scrape.lines().filter(line -> line.startsWith(OWNED_OBJECTS))
                .mapToLong(line -> Math.round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))))
                .sum();
    }
}
