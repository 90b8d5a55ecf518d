package dev.portico.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 upstream written on a bare ServerSocket, for what a real server hides: it records each request's
 * bytes as received, counts connections, and can answer with any bytes, close silently after some requests or
 * some idle time, reset, or never answer.
 */
final class RawUpstream implements AutoCloseable {

    /** Answers one request by writing to the connection (or not). */
    @FunctionalInterface
    interface Responder {
        void respond(RecordedRequest request, Conversation conversation) throws IOException;
    }

    /** How a connection ended, as the upstream saw it. */
    enum Ending { CLIENT_CLOSED, CLOSED_BY_UPSTREAM, WRITE_FAILED }

    private final ServerSocket server;
    private final Responder responder;
    private final int maxRequestsPerConnection;
    private final Duration idleClose;
    private final AtomicInteger accepted = new AtomicInteger();
    private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
    private final BlockingQueue<Ending> endings = new LinkedBlockingQueue<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile boolean closed;

    private RawUpstream(Responder responder, int maxRequestsPerConnection, Duration idleClose) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.responder = responder;
        this.maxRequestsPerConnection = maxRequestsPerConnection;
        this.idleClose = idleClose;
        Thread.ofVirtual().name("raw-upstream-accept").start(this::acceptLoop);
    }

    static RawUpstream start(Responder responder) throws IOException {
        return new RawUpstream(responder, Integer.MAX_VALUE, null);
    }

    /** Closes each connection, without a word, after it has answered {@code requests} requests. */
    static RawUpstream closingAfter(int requests, Responder responder) throws IOException {
        return new RawUpstream(responder, requests, null);
    }

    /** Closes each connection, without a word, once it has been idle for {@code idle}. */
    static RawUpstream closingWhenIdle(Duration idle, Responder responder) throws IOException {
        return new RawUpstream(responder, Integer.MAX_VALUE, idle);
    }

    /** Answers every request with this status and body, and a Content-Length. */
    static Responder answering(int status, String body, String... headerLines) {
        return (request, conversation) -> conversation.send(status, body, headerLines);
    }

    int port() {
        return server.getLocalPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    int acceptedConnections() {
        return accepted.get();
    }

    /** Every byte received so far, on any connection, in the order it arrived. */
    String received() {
        synchronized (received) {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** The next request received, waiting up to ten seconds for it. */
    RecordedRequest takeRequest() throws InterruptedException {
        RecordedRequest request = requests.poll(10, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("the upstream received no request");
        }
        return request;
    }

    /** How the next connection to end ended, waiting up to ten seconds for it. */
    Ending takeEnding() throws InterruptedException {
        Ending ending = endings.poll(10, TimeUnit.SECONDS);
        if (ending == null) {
            throw new AssertionError("no upstream connection ended");
        }
        return ending;
    }

    /** Copies what is read into {@link #received}. */
    private final class Recording extends FilterInputStream {
        Recording(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                synchronized (received) {
                    received.write(b);
                }
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                synchronized (received) {
                    received.write(buffer, offset, n);
                }
            }
            return n;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                open.add(socket);
                Thread.ofVirtual().name("raw-upstream-connection").start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        Ending ending = Ending.CLOSED_BY_UPSTREAM;
        try (socket) {
            InputStream in = new BufferedInputStream(new Recording(socket.getInputStream()));
            Conversation conversation = new Conversation(socket, in);
            for (int served = 0; served < maxRequestsPerConnection; served++) {
                if (idleClose != null) {
                    socket.setSoTimeout((int) idleClose.toMillis());
                }
                String requestLine;
                try {
                    requestLine = readLine(in);
                } catch (SocketTimeoutException idle) {
                    break;
                } finally {
                    socket.setSoTimeout(0);
                }
                if (requestLine == null) {
                    ending = Ending.CLIENT_CLOSED;
                    break;
                }
                RecordedRequest request = RecordedRequest.read(requestLine, in);
                requests.add(request);
                try {
                    responder.respond(request, conversation);
                    conversation.out().flush();
                } catch (SocketException e) {
                    ending = Ending.WRITE_FAILED;
                    break;
                }
                if (conversation.closed) {
                    ending = conversation.peerClosed ? Ending.CLIENT_CLOSED : Ending.CLOSED_BY_UPSTREAM;
                    break;
                }
            }
        } catch (IOException e) {
            // the proxy ended the connection (or reset it) while a request was being read
            ending = Ending.CLIENT_CLOSED;
        } finally {
            open.remove(socket);
            endings.add(ending);
        }
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        if (line.size() == 0) {
            return null;
        }
        throw new IOException("connection ended mid-line");
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
    }

    /** One request as it arrived: request line, header lines in order, decoded body, and how it was framed. */
    record RecordedRequest(String requestLine, List<String[]> headers, byte[] body, boolean chunked) {
        static RecordedRequest read(String requestLine, InputStream in) throws IOException {
            List<String[]> headers = new ArrayList<>();
            String line;
            while ((line = readLine(in)) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                headers.add(new String[] {line.substring(0, colon), line.substring(colon + 1).strip()});
            }
            RecordedRequest head = new RecordedRequest(requestLine, headers, new byte[0], false);
            String length = head.header("Content-Length");
            String encoding = head.header("Transfer-Encoding");
            if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                return new RecordedRequest(requestLine, headers, readChunked(in), true);
            }
            if (length != null) {
                byte[] body = in.readNBytes(Integer.parseInt(length));
                if (body.length < Integer.parseInt(length)) {
                    throw new EOFException("request body cut off after " + body.length + " bytes");
                }
                return new RecordedRequest(requestLine, headers, body, false);
            }
            return head;
        }

        String method() {
            return requestLine.substring(0, requestLine.indexOf(' '));
        }

        /** The request target exactly as sent: path and query. */
        String target() {
            return requestLine.substring(requestLine.indexOf(' ') + 1, requestLine.lastIndexOf(' '));
        }

        String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.getFirst();
        }

        List<String> headers(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).toList();
        }

        List<String> headerNames() {
            return headers.stream().map(h -> h[0].toLowerCase(Locale.ROOT)).toList();
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                throw new IOException("connection ended in a chunked body");
            }
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
            if (size == 0) {
                String trailer;
                while ((trailer = readLine(in)) != null && !trailer.isEmpty()) {
                    // trailers are not needed by any test
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    /** The upstream's side of one connection. */
    static final class Conversation {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private boolean closed;
        private boolean peerClosed;

        Conversation(Socket socket, InputStream in) throws IOException {
            this.socket = socket;
            this.in = in;
            // one response, one write: written piecemeal, Nagle's algorithm and delayed ACKs would add 40 ms each
            socket.setTcpNoDelay(true);
            this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        }

        OutputStream out() {
            return out;
        }

        /** The upstream's own port, as a Location pointing back at it names it. */
        int localPort() {
            return socket.getLocalPort();
        }

        void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** A response with a Content-Length and the given extra header lines ("Name: value"). */
        void send(int status, String body, String... headerLines) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " " + reason(status) + "\r\n");
            for (String line : headerLines) {
                head.append(line).append("\r\n");
            }
            head.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
            write(head.toString());
            out.write(bytes);
            out.flush();
        }

        /** Closes the connection after this answer. */
        void close() throws IOException {
            out.flush();
            closed = true;
            socket.close();
        }

        /** Aborts the connection with a TCP reset instead of an orderly close; what was written is sent first. */
        void reset() throws IOException {
            out.flush();
            closed = true;
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /** Never answers more: blocks until the peer ends the connection (or the upstream is closed). */
        void hang() throws IOException {
            out.flush();
            closed = true;
            try {
                while (in.read() >= 0) {
                    // discard anything more the proxy sends
                }
                peerClosed = true;
            } catch (IOException e) {
                // reset by the peer, or closed by the test: either way the end of the hang
                peerClosed = !socket.isClosed();
            }
        }
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
    }
}
