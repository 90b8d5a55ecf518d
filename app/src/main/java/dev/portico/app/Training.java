package dev.portico.app;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code portico train}: a short run of what Portico does in production, for the JVM's ahead-of-time cache (JEP 483,
 * 514, 515). Run under {@code -XX:AOTCacheOutput=<file>} (the launcher does, after a build), the JVM records the
 * classes this loads and links and the profiles of the methods it runs, and writes them to the cache at exit; a
 * Portico started later with {@code -XX:AOTCache=<file>} finds them ready instead of loading, linking and profiling
 * them again: its first proxied request comes in about half the time (bench/NOTES.md).
 *
 * <p>It starts Portico on ephemeral loopback ports with a throw-away data directory, sets up an upstream and routes
 * through the admin API, sends requests of every common shape through the proxy to a small origin of its own, and
 * stops. Nothing outside the process and its temporary directory is touched.
 */
final class Training {
    private static final String TOKEN = "training-" + Long.toHexString(System.nanoTime()) + "-token";
    private static final byte[] SMALL = "hello\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] MEDIUM = new byte[16 * 1024];
    /** Requests per client: enough for the profiles of the hot path; training takes half a minute on two cores. */
    static final int ROUNDS = 400;

    private Training() {
    }

    /**
     * Runs Portico through its paces with a data directory made, and removed again, in {@code temporary}.
     *
     * @param rounds requests each of the eight clients sends through the proxy
     */
    static void run(Path temporary, int rounds) throws Exception {
        Path dataDir = Files.createTempDirectory(temporary, "portico-training");
        HttpServer origin = origin();
        Portico portico = null;
        try {
            Map<String, String> env = new HashMap<>();
            env.put("PORTICO_DATA_DIR", dataDir.toString());
            env.put("PORTICO_HTTP_HOST", "127.0.0.1");
            env.put("PORTICO_HTTP_PORT", "0");
            env.put("PORTICO_HTTPS_PORT", "0");
            env.put("PORTICO_ADMIN_PORT", "0");
            env.put("PORTICO_ADMIN_TOKEN", TOKEN);
            portico = Portico.start(Settings.fromEnvironment(env));
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build()) {
                configure(client, portico.adminPort(), origin.getAddress().getPort());
                proxy(client, portico.httpPort(), rounds);
            }
        } finally {
            if (portico != null) {
                portico.close();
            }
            origin.stop(0);
            deleteTree(dataDir);
        }
    }

    /** An origin with a small, a 16 KiB, a chunked and an echoing answer. */
    private static HttpServer origin() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestURI().getPath().endsWith("/medium") ? MEDIUM : SMALL;
                try (InputStream in = exchange.getRequestBody()) {
                    byte[] received = in.readAllBytes();
                    if (received.length > 0) {
                        body = received;
                    }
                }
                exchange.getResponseHeaders().add("Set-Cookie", "a=1");
                exchange.getResponseHeaders().add("Set-Cookie", "b=2");
                if (exchange.getRequestMethod().equals("HEAD")) {
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
                boolean chunked = exchange.getRequestURI().getPath().endsWith("/chunked");
                exchange.sendResponseHeaders(200, chunked ? 0 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return server;
    }

    /** What an operator does first: an upstream, routes, a look at them. */
    private static void configure(HttpClient client, int adminPort, int originPort) throws Exception {
        String admin = "http://127.0.0.1:" + adminPort;
        send(client, admin("PUT", admin + "/v1/upstreams/origin",
                "{\"targets\":[{\"url\":\"http://127.0.0.1:" + originPort + "\",\"weight\":1}]}"), 201);
        send(client, admin("PUT", admin + "/v1/upstreams/nowhere", "{\"targets\":[{\"url\":\"http://127.0.0.1:1\"}]}"),
                201);
        send(client, admin("PUT", admin + "/v1/routes/site",
                "{\"hosts\":[\"127.0.0.1\"],\"pathPrefix\":\"/\",\"upstream\":\"origin\"}"), 201);
        send(client, admin("PUT", admin + "/v1/routes/api",
                "{\"hosts\":[\"127.0.0.1\"],\"pathPrefix\":\"/api/\",\"upstream\":\"origin\",\"stripPrefix\":true}"),
                201);
        send(client, admin("PUT", admin + "/v1/routes/down",
                "{\"hosts\":[\"127.0.0.1\"],\"pathPrefix\":\"/down/\",\"upstream\":\"nowhere\"}"), 201);
        for (String path : List.of("/v1/status", "/v1/routes", "/v1/upstreams", "/v1/config", "/v1/routes/api")) {
            send(client, admin("GET", admin + path, null), 200);
        }
        send(client, HttpRequest.newBuilder(URI.create(admin + "/v1/status")).build(), 401);
    }

    private static HttpRequest admin(String method, String uri, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri))
                .header("Authorization", "Bearer " + TOKEN);
        if (json != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return request.build();
    }

    /** Requests of each common shape through the proxy, a few connections at a time. */
    private static void proxy(HttpClient client, int port, int rounds) throws Exception {
        String proxy = "http://127.0.0.1:" + port;
        List<HttpRequest> shapes = List.of(
                HttpRequest.newBuilder(URI.create(proxy + "/small")).build(),
                HttpRequest.newBuilder(URI.create(proxy + "/medium")).build(),
                HttpRequest.newBuilder(URI.create(proxy + "/chunked")).build(),
                HttpRequest.newBuilder(URI.create(proxy + "/api/small")).build(),
                HttpRequest.newBuilder(URI.create(proxy + "/echo")).POST(HttpRequest.BodyPublishers.ofByteArray(MEDIUM))
                        .build(),
                HttpRequest.newBuilder(URI.create(proxy + "/small")).method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build());
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                clients.add(threads.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        send(client, shapes.get(i % shapes.size()), 200);
                    }
                    return null;
                }));
            }
            for (Future<?> each : clients) {
                each.get();
            }
        }
        // Portico's own answers: no route, an unreachable upstream
        send(client, HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/x")).build(), 404);
        send(client, HttpRequest.newBuilder(URI.create(proxy + "/down/x")).build(), 503);
    }

    private static void send(HttpClient client, HttpRequest request, int expected) {
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("training interrupted", e);
        }
        if (response.statusCode() != expected) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                    + response.statusCode() + ", expected " + expected + ": " + new String(response.body(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
