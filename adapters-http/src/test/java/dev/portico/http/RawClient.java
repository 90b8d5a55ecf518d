package dev.portico.http;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 client on a bare socket, for what java.net.http hides or forbids: Host, Connection, Expect and other
 * restricted headers, HEAD framing, the exact header lines and framing of a response, and a connection's end.
 */
final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(20_000);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawClient connect(int port) throws IOException {
        return new RawClient(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    /** Over TLS, with a client context trusting the listener's certificate. */
    static RawClient connectTls(javax.net.ssl.SSLContext context, int port) throws IOException {
        javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port);
        socket.startHandshake();
        return new RawClient(socket);
    }

    /** Sends a request head: the request line, then header lines; the blank line is added. */
    RawClient send(String requestLine, String... headerLines) throws IOException {
        StringBuilder head = new StringBuilder(requestLine).append("\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    RawClient sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    RawClient sendText(String text) throws IOException {
        return sendBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads one response to a request of the given method (HEAD responses have no body). */
    RawResponse read(String method) throws IOException {
        RawResponse head = readHead();
        String statusLine = head.statusLine();
        int status = head.status();
        List<String[]> headers = head.headers();
        if (method.equals("HEAD") || status < 200 || status == 204 || status == 304) {
            return head;
        }
        String encoding = head.header("Transfer-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new RawResponse(statusLine, status, headers, RawUpstream.readChunked(in), true);
        }
        String length = head.header("Content-Length");
        if (length != null) {
            byte[] body = in.readNBytes(Integer.parseInt(length));
            if (body.length < Integer.parseInt(length)) {
                throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
            }
            return new RawResponse(statusLine, status, headers, body, false);
        }
        return new RawResponse(statusLine, status, headers, in.readAllBytes(), false);
    }

    /** Reads a response's status line and headers only, leaving its body to be read piece by piece. */
    RawResponse readHead() throws IOException {
        String statusLine = RawUpstream.readLine(in);
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        List<String[]> headers = new ArrayList<>();
        String line;
        while ((line = RawUpstream.readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.add(new String[] {line.substring(0, colon), line.substring(colon + 1).strip()});
        }
        return new RawResponse(statusLine, Integer.parseInt(statusLine.split(" ")[1]), headers, new byte[0], false);
    }

    /** Reads the next chunk of a chunked body; empty at the last chunk. */
    String readChunk() throws IOException {
        int size = Integer.parseInt(RawUpstream.readLine(in).strip(), 16);
        String data = new String(in.readNBytes(size), StandardCharsets.UTF_8);
        RawUpstream.readLine(in);
        return data;
    }

    /** Reads up to {@code n} bytes as they come, whatever they are. */
    byte[] readBytes(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** Whether the peer ended the connection: a read that sees the end of the stream, or a reset. */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A response as received: the status line, the header lines in order, the decoded body and its framing. */
    record RawResponse(String statusLine, int status, List<String[]> headers, byte[] body, boolean chunked) {
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
}
