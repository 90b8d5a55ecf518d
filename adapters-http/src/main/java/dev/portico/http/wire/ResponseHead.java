package dev.portico.http.wire;

import io.helidon.http.Status;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The status line and header section of an upstream's response, parsed where they were read: in the connection's
 * buffer. Each line is validated once, as bytes, and kept as offsets; the headers that decide the body's framing and
 * what crosses to the client are recognised by name as they are parsed, without a String or a Helidon header object
 * per line (on a small response those were a third of the proxy's own work, bench/NOTES.md). One instance per
 * connection, parsed again for each response; valid while the connection is held for the exchange that read it.
 */
public final class ResponseHead {
    /** A status line and a header section this large are not HTTP worth relaying (Helidon's webclient defaults). */
    public static final int MAX_STATUS_LINE = 256;
    public static final int MAX_HEADERS_SIZE = 16 * 1024;

    /** What a header line is to the proxy. */
    public enum Kind {
        /** End-to-end: crosses to the client as it came. */
        PASS,
        /** Hop-by-hop (RFC 9110, 7.6.1), or named by Connection: describes the upstream connection only. */
        HOP,
        CONNECTION,
        /** The body's framing: the proxy frames the client's body itself. */
        TRANSFER_ENCODING,
        CONTENT_LENGTH,
        /** Replaced by Portico's. */
        SERVER,
        /** Kept, with Portico's hop appended. */
        VIA,
        /** Rewritten when it points at the target. */
        LOCATION,
        DATE,
        /** Kept unless the route sets its own policy. */
        STRICT_TRANSPORT_SECURITY,
        /** Replaced by the request's id, which the client gets on every answer. */
        REQUEST_ID
    }

    /** RFC 9110, 5.6.2: the characters of a token, which a field name is. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private byte[] buffer;
    private int code;
    private int minorVersion;
    private int reasonStart;
    private int reasonEnd;
    private int count;
    private int[] nameStart = new int[24];
    private int[] nameEnd = new int[24];
    private int[] valueStart = new int[24];
    private int[] valueEnd = new int[24];
    private Kind[] kinds = new Kind[24];
    private long contentLength;
    private boolean transferEncoding;
    private boolean chunked;
    private boolean close;
    private boolean keepAlive;
    private boolean date;
    private boolean via;
    private int location;

    /**
     * Parses the head at the start of {@code buffer[from, to)}, in one pass over its bytes.
     *
     * @return the offset just past the head's empty line, or -1 when the head has not arrived whole yet
     * @throws IllegalStateException when it is not an HTTP/1.x response Portico can relay: a malformed status line,
     *                               a header line whose name is not a token (whitespace before the colon and folded
     *                               lines included) or whose value holds a control character (a bare CR or LF too),
     *                               a head larger than {@link #MAX_STATUS_LINE} and {@link #MAX_HEADERS_SIZE}, or
     *                               conflicting framing
     */
    public int parse(byte[] buffer, int from, int to) {
        this.buffer = buffer;
        count = 0;
        contentLength = -1;
        transferEncoding = false;
        chunked = false;
        close = false;
        keepAlive = false;
        date = false;
        via = false;
        location = -1;
        int limit = Math.min(to, from + MAX_STATUS_LINE + MAX_HEADERS_SIZE);
        int lineEnd = statusLineEnd(from, to);
        if (lineEnd < 0) {
            return -1;
        }
        statusLine(from, lineEnd);
        List<String> connectionNamed = null;
        int p = lineEnd + 2;
        while (true) {
            if (p + 1 >= limit) {
                return incomplete(from, to);
            }
            if (buffer[p] == '\r') {
                if (buffer[p + 1] != '\n') {
                    throw new IllegalStateException("response head with a bare CR");
                }
                p += 2;
                break;
            }
            p = field(p, limit);
            if (p < 0) {
                return incomplete(from, to);
            }
            Kind kind = kinds[count - 1];
            if (kind == Kind.CONNECTION) {
                connectionNamed = connectionOptions(count - 1, connectionNamed);
            } else if (kind == Kind.CONTENT_LENGTH) {
                contentLength(count - 1);
            } else if (kind == Kind.TRANSFER_ENCODING) {
                transferEncoding = true;
                chunked = lastCodingIsChunked(count - 1);
            }
        }
        if (connectionNamed != null) {
            // RFC 9110, 7.6.1: the headers Connection names are hop-by-hop too
            for (int i = 0; i < count; i++) {
                if (kinds[i] == Kind.PASS && connectionNamed.contains(name(i).toLowerCase(java.util.Locale.ROOT))) {
                    kinds[i] = Kind.HOP;
                }
            }
        }
        if (contentLength >= 0 && transferEncoding) {
            // RFC 9112, 6.3: a message with both is an attack or a broken server; where it ends is unknowable
            throw new IllegalStateException("response with both Content-Length and Transfer-Encoding");
        }
        return p;
    }

    /** -1 while the head may still complete within the limits, else what is wrong. */
    private static int incomplete(int from, int to) {
        if (to - from >= MAX_STATUS_LINE + MAX_HEADERS_SIZE) {
            throw new IllegalStateException("response header section larger than " + MAX_HEADERS_SIZE + " bytes");
        }
        return -1;
    }

    /** Where the status line's CR is, or -1 if it has not arrived. */
    private int statusLineEnd(int from, int to) {
        int limit = Math.min(to, from + MAX_STATUS_LINE);
        for (int i = from; i < limit; i++) {
            if (buffer[i] == '\r') {
                if (i + 1 == to) {
                    return -1;
                }
                if (buffer[i + 1] != '\n') {
                    throw new IllegalStateException("response head with a bare CR");
                }
                return i;
            }
        }
        if (limit - from >= MAX_STATUS_LINE) {
            throw new IllegalStateException("HTTP response did not start with a status line");
        }
        return -1;
    }

    /** {@code HTTP/1.x NNN reason}. */
    private void statusLine(int from, int end) {
        byte[] b = buffer;
        int length = end - from;
        if (length < 12 || b[from] != 'H' || b[from + 1] != 'T' || b[from + 2] != 'T' || b[from + 3] != 'P'
                || b[from + 4] != '/' || b[from + 5] != '1' || b[from + 6] != '.'
                || (b[from + 7] != '0' && b[from + 7] != '1') || b[from + 8] != ' '
                || (length > 12 && b[from + 12] != ' ')) {
            throw new IllegalStateException("HTTP response did not start with an HTTP/1.x status line");
        }
        code = digit(b[from + 9]) * 100 + digit(b[from + 10]) * 10 + digit(b[from + 11]);
        if (code < 100 || code > 599) {
            throw new IllegalStateException("HTTP response with status " + code);
        }
        minorVersion = b[from + 7] - '0';
        reasonStart = Math.min(from + 13, end);
        reasonEnd = end;
        for (int i = reasonStart; i < reasonEnd; i++) {
            if (isControl(b[i])) {
                throw new IllegalStateException("HTTP response with a control character in its reason phrase");
            }
        }
    }

    private static int digit(byte b) {
        if (b < '0' || b > '9') {
            throw new IllegalStateException("HTTP response with a status code that is not three digits");
        }
        return b - '0';
    }

    /**
     * A field line {@code name ":" OWS value OWS CRLF} (RFC 9112, 5) starting at {@code start}, recorded with its
     * kind. Returns the offset after its CRLF, or -1 if the line has not arrived whole before {@code limit}.
     */
    private int field(int start, int limit) {
        byte[] b = buffer;
        int colon = start;
        while (colon < limit && b[colon] != ':') {
            int c = b[colon];
            if (c < 0 || !TCHAR[c]) {
                throw new IllegalStateException("response header line with an invalid field name");
            }
            colon++;
        }
        if (colon == limit) {
            return -1;
        }
        if (colon == start) {
            throw new IllegalStateException("response header line without a field name");
        }
        int from = colon + 1;
        while (from < limit && (b[from] == ' ' || b[from] == '\t')) {
            from++;
        }
        int cr = from;
        while (cr < limit && b[cr] != '\r') {
            // field-vchar, obs-text, SP and HTAB; any other control character (a bare LF too) could end the line for
            // a client
            if (isControl(b[cr])) {
                throw new IllegalStateException("response header '" + new String(b, start, colon - start,
                        StandardCharsets.US_ASCII) + "' with a control character in its value");
            }
            cr++;
        }
        if (cr + 1 >= limit) {
            return -1;
        }
        if (b[cr + 1] != '\n') {
            throw new IllegalStateException("response head with a bare CR");
        }
        int to = cr;
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
            to--;
        }
        if (count == kinds.length) {
            int size = count * 2;
            nameStart = Arrays.copyOf(nameStart, size);
            nameEnd = Arrays.copyOf(nameEnd, size);
            valueStart = Arrays.copyOf(valueStart, size);
            valueEnd = Arrays.copyOf(valueEnd, size);
            kinds = Arrays.copyOf(kinds, size);
        }
        Kind kind = kind(start, colon);
        nameStart[count] = start;
        nameEnd[count] = colon;
        valueStart[count] = from;
        valueEnd[count] = to;
        kinds[count] = kind;
        switch (kind) {
            case DATE -> date = true;
            case VIA -> via = true;
            case LOCATION -> location = location < 0 ? count : location;
            default -> {
            }
        }
        count++;
        return cr + 2;
    }

    private static boolean isControl(byte b) {
        int c = b & 0xff;
        return (c < 0x20 && c != '\t') || c == 0x7f;
    }

    /** The kind of the field named by {@code buffer[start, end)}, a validated token; case-insensitive. */
    private Kind kind(int start, int end) {
        return switch (end - start) {
            case 2 -> is(start, "te") ? Kind.HOP : Kind.PASS;
            case 3 -> is(start, "via") ? Kind.VIA : Kind.PASS;
            case 4 -> is(start, "date") ? Kind.DATE : Kind.PASS;
            case 6 -> is(start, "server") ? Kind.SERVER : Kind.PASS;
            case 7 -> is(start, "trailer") || is(start, "upgrade") ? Kind.HOP : Kind.PASS;
            case 8 -> is(start, "location") ? Kind.LOCATION : Kind.PASS;
            case 10 -> is(start, "connection") ? Kind.CONNECTION : is(start, "keep-alive") ? Kind.HOP : Kind.PASS;
            case 12 -> is(start, "x-request-id") ? Kind.REQUEST_ID : Kind.PASS;
            case 14 -> is(start, "content-length") ? Kind.CONTENT_LENGTH : Kind.PASS;
            case 16 -> is(start, "proxy-connection") ? Kind.HOP : Kind.PASS;
            case 17 -> is(start, "transfer-encoding") ? Kind.TRANSFER_ENCODING : Kind.PASS;
            case 18 -> is(start, "proxy-authenticate") ? Kind.HOP : Kind.PASS;
            case 19 -> is(start, "proxy-authorization") ? Kind.HOP : Kind.PASS;
            case 25 -> is(start, "strict-transport-security") ? Kind.STRICT_TRANSPORT_SECURITY : Kind.PASS;
            default -> Kind.PASS;
        };
    }

    /** Whether the token at {@code start} is {@code lowerCase}, ignoring case (a token's letters are ASCII). */
    private boolean is(int start, String lowerCase) {
        for (int i = 0; i < lowerCase.length(); i++) {
            if ((buffer[start + i] | 0x20) != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The options of a Connection line: close and keep-alive noted, other names returned (lower case) to be dropped.
     * Read as bytes: almost every response says only keep-alive or close.
     */
    private List<String> connectionOptions(int line, List<String> named) {
        int end = valueEnd[line];
        int start = valueStart[line];
        while (start < end) {
            int comma = start;
            while (comma < end && buffer[comma] != ',') {
                comma++;
            }
            int from = start;
            int to = comma;
            while (from < to && (buffer[from] == ' ' || buffer[from] == '\t')) {
                from++;
            }
            while (to > from && (buffer[to - 1] == ' ' || buffer[to - 1] == '\t')) {
                to--;
            }
            if (to - from == 5 && is(from, "close")) {
                close = true;
            } else if (to - from == 10 && is(from, "keep-alive")) {
                keepAlive = true;
            } else if (to > from) {
                if (named == null) {
                    named = new ArrayList<>(2);
                }
                named.add(new String(buffer, from, to - from, StandardCharsets.ISO_8859_1)
                        .toLowerCase(java.util.Locale.ROOT));
            }
            start = comma + 1;
        }
        return named;
    }

    /** One length, or the same one repeated (RFC 9110, 8.6); anything else leaves the body's end unknowable. */
    private void contentLength(int line) {
        int start = valueStart[line];
        int end = valueEnd[line];
        while (start < end) {
            int comma = start;
            while (comma < end && buffer[comma] != ',') {
                comma++;
            }
            long parsed = digits(start, comma);
            if (parsed < 0 || (contentLength >= 0 && parsed != contentLength)) {
                throw new IllegalStateException("invalid Content-Length " + value(line));
            }
            contentLength = parsed;
            start = comma + 1;
        }
    }

    /** The decimal number in {@code buffer[start, end)} with optional whitespace around it; -1 if it is not one. */
    private long digits(int start, int end) {
        while (start < end && (buffer[start] == ' ' || buffer[start] == '\t')) {
            start++;
        }
        while (end > start && (buffer[end - 1] == ' ' || buffer[end - 1] == '\t')) {
            end--;
        }
        if (start == end || end - start > 18) {
            return -1;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            int d = buffer[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private boolean lastCodingIsChunked(int line) {
        String codings = value(line);
        String last = codings.substring(codings.lastIndexOf(',') + 1).strip();
        return last.equalsIgnoreCase("chunked");
    }

    public int code() {
        return code;
    }

    /** Whether the upstream keeps the connection open after this response (RFC 9112, 9.3). */
    public boolean keepsAlive() {
        return minorVersion >= 1 ? !close : keepAlive && !close;
    }

    /** The Content-Length, or -1 when there is none. */
    public long contentLength() {
        return contentLength;
    }

    public boolean hasTransferEncoding() {
        return transferEncoding;
    }

    /** Whether the last transfer coding is chunked, which is then where the body ends. */
    public boolean chunked() {
        return chunked;
    }

    public boolean hasDate() {
        return date;
    }

    public boolean hasVia() {
        return via;
    }

    /** The first Location line, or -1. */
    public int location() {
        return location;
    }

    public int count() {
        return count;
    }

    public Kind kind(int line) {
        return kinds[line];
    }

    public byte[] buffer() {
        return buffer;
    }

    public int nameStart(int line) {
        return nameStart[line];
    }

    public int nameEnd(int line) {
        return nameEnd[line];
    }

    public int valueStart(int line) {
        return valueStart[line];
    }

    public int valueEnd(int line) {
        return valueEnd[line];
    }

    public int reasonStart() {
        return reasonStart;
    }

    public int reasonEnd() {
        return reasonEnd;
    }

    /** The field name as the upstream spelled it. */
    public String name(int line) {
        return new String(buffer, nameStart[line], nameEnd[line] - nameStart[line], StandardCharsets.US_ASCII);
    }

    /** The value; ISO-8859-1 maps each byte to one char, so the String says what the bytes say. */
    public String value(int line) {
        return new String(buffer, valueStart[line], valueEnd[line] - valueStart[line], StandardCharsets.ISO_8859_1);
    }

    /** The values of every line of a kind joined as one list value, or null when there is none. */
    public String joined(Kind kind) {
        String joined = null;
        for (int i = 0; i < count; i++) {
            if (kinds[i] == kind) {
                joined = joined == null ? value(i) : joined + ", " + value(i);
            }
        }
        return joined;
    }

    /** The status as Helidon's, with the upstream's reason phrase. */
    public Status status() {
        return reasonEnd > reasonStart
                ? Status.create(code, new String(buffer, reasonStart, reasonEnd - reasonStart,
                        StandardCharsets.ISO_8859_1))
                : Status.create(code);
    }
}
