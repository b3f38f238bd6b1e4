package io.bpfkeeper.daemon.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code GET /metrics} over HTTP with the JDK's own server: one thread, since Prometheus
 * scrapes seldom and one at a time, and no web framework in a system daemon.
 */
public final class MetricsEndpoint implements AutoCloseable {

    static final String PATH = "/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread scraper = new Thread(runnable, "bpfkeeper-metrics");
        scraper.setDaemon(true);
        return scraper;
    });

    private MetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Starts serving {@code scrape()} at {@code address}; port 0 picks a free one. */
    public static MetricsEndpoint start(InetSocketAddress address, Supplier<String> scrape) throws IOException {
        // The JDK's server writes headers and body in two segments; with Nagle's algorithm a
        // Prometheus connection kept alive waits a delayed ACK (about 40 ms) for every scrape.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(address, 0);
        MetricsEndpoint endpoint = new MetricsEndpoint(server);
        server.createContext(PATH, exchange -> endpoint.handle(exchange, scrape));
        server.setExecutor(endpoint.thread);
        server.start();
        return endpoint;
    }

    /** Where it listens, with the port the kernel chose. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange, Supplier<String> scrape) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
