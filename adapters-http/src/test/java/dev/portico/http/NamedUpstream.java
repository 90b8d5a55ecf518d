package dev.portico.http;

import io.helidon.webserver.WebServer;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A real upstream (Helidon's server on an ephemeral port) that answers every path with its own name and records
 * when each request arrived; {@code /healthz} answers 200 and {@code /slow} answers after two seconds. It can be
 * killed and started again on the same port, as a crashed and restarted server would be.
 */
final class NamedUpstream implements AutoCloseable {
    static final Duration SLOW = Duration.ofSeconds(2);

    final String name;
    /** {@link System#nanoTime()} of each request's arrival, health probes excepted. */
    final Queue<Long> arrivals = new ConcurrentLinkedQueue<>();
    private volatile WebServer server;
    private final int port;

    private NamedUpstream(String name) {
        this.name = name;
        this.server = build(0).start();
        this.port = server.port();
    }

    static NamedUpstream start(String name) {
        return new NamedUpstream(name);
    }

    private WebServer build(int port) {
        return WebServer.builder()
                .shutdownHook(false)
                .host("127.0.0.1")
                .port(port)
                .routing(routing -> routing
                        .get("/healthz", (req, res) -> res.send("ok"))
                        .any("/slow", (req, res) -> {
                            arrivals.add(System.nanoTime());
                            Thread.sleep(SLOW);
                            res.send(name);
                        })
                        .any((req, res) -> {
                            arrivals.add(System.nanoTime());
                            res.send(name);
                        }))
                .build();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code scheme://host:port}, as the proxy's connection pool names the target. */
    String origin() {
        return url();
    }

    /** Requests that arrived after {@code nanoTime}. */
    long arrivedAfter(long nanoTime) {
        return arrivals.stream().filter(t -> t - nanoTime > 0).count();
    }

    void kill() {
        server.stop();
    }

    void restart() {
        server = build(port).start();
    }

    @Override
    public void close() {
        if (server.isRunning()) {
            server.stop();
        }
    }
}
