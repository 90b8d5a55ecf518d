package dev.portico.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.Executors;

/**
 * A real HTTP origin on an ephemeral port (the JDK's server): answers who it is and what it was asked,
 * streams large bodies of a known pattern, and hashes what it receives.
 */
final class TestUpstream implements AutoCloseable {
    private final HttpServer server;
    private final String name;
    private final java.util.concurrent.atomic.AtomicInteger slowArrivals = new java.util.concurrent.atomic.AtomicInteger();

    TestUpstream(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::echo);
        server.createContext("/download/", this::download);
        server.createContext("/upload", this::upload);
        server.createContext("/slow/", this::slow);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers "<name> <method> <path?query> host=<Host>". */
    private void echo(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
        String body = name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery())
                + " host=" + exchange.getRequestHeaders().getFirst("Host");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** {@code /download/<bytes>}: that many bytes of the test pattern, with a Content-Length. */
    private void download(HttpExchange exchange) throws IOException {
        long size = Long.parseLong(exchange.getRequestURI().getPath().substring("/download/".length()));
        exchange.sendResponseHeaders(200, size);
        try (OutputStream out = exchange.getResponseBody(); InputStream pattern = new PatternInputStream(size)) {
            pattern.transferTo(out);
        }
    }

    /** Requests to {@code /slow/} that arrived so far. */
    int slowArrivals() {
        return slowArrivals.get();
    }

    /**
     * {@code /slow/<ms>}: the head and half of a 20-byte body at once, the rest after that many milliseconds; a client
     * cut off mid-way is left with fewer than 20 bytes.
     */
    private void slow(HttpExchange exchange) throws IOException {
        slowArrivals.incrementAndGet();
        long millis = Long.parseLong(exchange.getRequestURI().getPath().substring("/slow/".length()));
        exchange.sendResponseHeaders(200, 20);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write("first half".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(millis);
            out.write("other half".getBytes(StandardCharsets.US_ASCII));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Hashes the request body and answers "<bytes> <sha-256 hex>". */
    private void upload(HttpExchange exchange) throws IOException {
        byte[] answer = digest(exchange.getRequestBody()).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    /** "<bytes> <sha-256 hex>" of everything the stream holds, read in small pieces. */
    static String digest(InputStream in) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                total += n;
            }
            return total + " " + HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A reproducible stream of bytes that is not all one value, so that a shifted or lost block shows. */
    static final class PatternInputStream extends InputStream {
        private final long size;
        private long position;

        PatternInputStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return position < size ? valueAt(position++) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) valueAt(position++);
            }
            return n;
        }

        private static int valueAt(long i) {
            return (int) ((i * 31 + (i >>> 10)) & 0xff);
        }
    }
}
