package dev.portico.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange over a plain socket, with exactly the bytes given: for what a well-behaved client will not
 * send (malformed UTF-8, a request line of 100,000 bytes). The request is written on a thread of its own, so that a
 * server that answers and closes before reading all of it is heard rather than blocking the test in a write.
 */
final class RawHttp {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** How long the connection is watched, after an answer with Connection: close, for the server to close it. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private RawHttp() {
    }

    /** The request head for {@code method} and {@code target} with the admin token, then {@code headers} and a body. */
    static byte[] request(String method, String target, String headers, byte[] body) {
        byte[] head = (method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + AdminServer.SECRET + "\r\n" + headers + "Content-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    static Answer exchange(AdminServer server, byte[] request) {
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(request);
                    out.flush();
                } catch (IOException e) {
                    // The server answered and closed without reading everything: what it answered is read below.
                }
            });
            InputStream in = socket.getInputStream();
            String statusLine = line(in);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        name -> new ArrayList<>()).add(line.substring(colon + 1).strip());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", List.of("0")).getFirst());
            byte[] body = in.readNBytes(length);
            // Only an answer that says it closes is watched for the close; others leave the connection open.
            boolean closed = headers.getOrDefault("connection", List.of()).contains("close") && closedByServer(socket, in);
            writer.join(READ_TIMEOUT);
            return new Answer(statusLine, headers, body, closed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One line of the answer's head, without its CRLF; an answer that ends before it is a failure. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b == -1) {
                throw new IOException("the connection ended before a whole answer; read " + line);
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static boolean closedByServer(Socket socket, InputStream in) throws IOException {
        socket.setSoTimeout((int) CLOSE_WAIT.toMillis());
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            // reset: the server closed with some of the request unread
            return true;
        }
    }

    /**
     * What came back: the status line, the headers by lower-case name, the body, and whether the server closed the
     * connection after an answer that said it would (Connection: close).
     */
    record Answer(String statusLine, Map<String, List<String>> headers, byte[] body, boolean closed) {

        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        /** As the HTTP client would have seen it, for the shared problem+json assertions. */
        AdminServer.Reply reply() {
            return new AdminServer.Reply(status(), HttpHeaders.of(headers, (name, value) -> true), body);
        }

        @Override
        public String toString() {
            return statusLine + " " + headers + " " + new String(body, StandardCharsets.UTF_8) + (closed ? " (closed)" : "");
        }
    }
}
