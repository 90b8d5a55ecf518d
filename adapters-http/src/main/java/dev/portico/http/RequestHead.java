package dev.portico.http;

import io.helidon.http.Method;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A client's HTTP/1.1 request head, read where it lies in one pass over its bytes, as {@link ResponseHead} reads an
 * upstream's: the request line and each header line checked and kept as offsets, the few headers the proxy acts on
 * recognised by name. It takes only the requests it is sure of, and sure to handle exactly as Helidon's
 * connection would: {@link Parse#OTHER} for anything else (a body, an upgrade, an expectation, a header the
 * forwarding merges from several lines, a character Helidon's validation might refuse, a line end that is not CRLF),
 * which then goes to Helidon untouched, its limits, validation and error answers included. One instance per
 * connection, reused from request to request.
 */
final class RequestHead {
    /** What {@link #parse} found. */
    enum Parse {
        /** A whole head the fast path takes; {@link #length()} bytes long. */
        COMPLETE,
        /** No end of head yet, and nothing that rules the request out: more bytes are needed. */
        INCOMPLETE,
        /** A request for Helidon's connection: nothing of it may be consumed. */
        OTHER
    }

    /** Header lines kept at most; a request with more goes to Helidon. */
    static final int MAX_LINES = 100;

    private static final byte[] HTTP_1_1_CRLF = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final boolean[] TCHAR = new boolean[256];
    /** RFC 3986 pchar without '%', which is checked apart: unreserved, sub-delims, ':' and '@'. */
    private static final boolean[] PCHAR = new boolean[256];
    /** What a Host may hold here: RFC 3986 unreserved characters only, which Helidon's Host validation accepts. */
    private static final boolean[] HOST_CHAR = new boolean[256];
    private static final boolean[] HEX = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = PCHAR[c] = HOST_CHAR[c] = HEX[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = PCHAR[c] = HOST_CHAR[c] = true;
            TCHAR[c - 32] = PCHAR[c - 32] = HOST_CHAR[c - 32] = true;
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX[c] = HEX[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        for (char c : "-._~!$&'()*+,;=:@".toCharArray()) {
            PCHAR[c] = true;
        }
        for (char c : "-._~".toCharArray()) {
            HOST_CHAR[c] = true;
        }
    }

    private static final byte[] HOST = lower("host");
    private static final byte[] CONNECTION = lower("connection");
    private static final byte[] CONTENT_LENGTH = lower("content-length");
    private static final byte[] TRANSFER_ENCODING = lower("transfer-encoding");
    private static final byte[] EXPECT = lower("expect");
    private static final byte[] UPGRADE = lower("upgrade");
    private static final byte[] HTTP2_SETTINGS = lower("http2-settings");
    private static final byte[] X_FORWARDED_FOR = lower("x-forwarded-for");
    private static final byte[] X_FORWARDED_PROTO = lower("x-forwarded-proto");
    private static final byte[] X_FORWARDED_HOST = lower("x-forwarded-host");
    private static final byte[] VIA = lower("via");
    /** Hop-by-hop headers (RFC 9110, 7.6.1) and Helidon's internal one, dropped as {@link HeaderRules} drops them. */
    private static final byte[][] DROPPED = {lower("keep-alive"), lower("proxy-connection"), lower("te"),
            lower("trailer"), lower("proxy-authenticate"), lower("proxy-authorization"), lower("x-helidon-cn")};
    private static final byte[] CLOSE = lower("close");
    private static final byte[] KEEP_ALIVE = lower("keep-alive");

    private final int maxPrologue;
    private final int maxHead;
    private byte[] bytes = new byte[4096];
    private int held;
    private int length;

    private Method method;
    private int pathStart;
    private int pathEnd;
    private int queryEnd;
    private int hostStart;
    private int hostEnd;
    private boolean close;
    /** Where each of the four headers the forwarding reads lies: start and end of the value, -1 when absent. */
    private final int[] forwarding = new int[8];
    /** Per forwarded line: start of the name, end of the name, start and end of the value (trimmed). */
    private int[] lines = new int[4 * 16];
    private int lineCount;

    private String host;
    private String path;

    /**
     * @param maxPrologue longest request line taken, as Helidon's listener is configured
     * @param maxHead     longest head taken, request line included
     */
    RequestHead(int maxPrologue, int maxHead) {
        this.maxPrologue = maxPrologue;
        this.maxHead = maxHead;
    }

    /** Room for {@code count} more bytes after those held; the array to copy them into. */
    byte[] room(int count) {
        if (held + count > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, held + count));
        }
        return bytes;
    }

    /** The bytes copied in at {@link #held()} by the caller after {@link #room}. */
    void added(int count) {
        held += count;
    }

    int held() {
        return held;
    }

    /** Forgets the bytes held, for the next request. */
    void clear() {
        held = 0;
    }

    /** The head's length in bytes, blank line included, after {@link Parse#COMPLETE}. */
    int length() {
        return length;
    }

    byte[] bytes() {
        return bytes;
    }

    /** Reads the head in the bytes held. */
    Parse parse() {
        int end = headEnd();
        if (end < 0) {
            return end == -1 && held < maxHead ? Parse.INCOMPLETE : Parse.OTHER;
        }
        length = end;
        int headers = requestLine();
        return headers >= 0 && headerLines(headers) ? Parse.COMPLETE : Parse.OTHER;
    }

    /**
     * Where the blank line ends; -1 when it has not arrived, -2 when a line ends other than with CRLF (Helidon's
     * parser then decides what it is) or the request line is too long.
     */
    private int headEnd() {
        byte[] b = bytes;
        int firstLine = -1;
        for (int i = 0; i < held; i++) {
            byte c = b[i];
            if (c == '\n') {
                if (i == 0 || b[i - 1] != '\r') {
                    return -2;
                }
                if (firstLine < 0) {
                    firstLine = i;
                    if (i + 1 > maxPrologue) {
                        return -2;
                    }
                }
                if (i >= 3 && b[i - 2] == '\n' && b[i - 3] == '\r') {
                    return i + 1 <= maxHead ? i + 1 : -2;
                }
            } else if (c == '\r' && i + 1 < held && b[i + 1] != '\n') {
                return -2;
            }
        }
        return firstLine < 0 && held > maxPrologue ? -2 : -1;
    }

    /**
     * {@code METHOD SP origin-form SP HTTP/1.1 CRLF}, with a method the proxy knows by name: where the header lines
     * start, or -1.
     */
    private int requestLine() {
        byte[] b = bytes;
        int i = 0;
        while (TCHAR[b[i] & 0xff]) {
            i++;
        }
        method = method(b, i);
        if (method == null || b[i] != ' ' || b[i + 1] != '/') {
            return -1;
        }
        pathStart = i + 1;
        pathEnd = uriEnd(b, pathStart, false);
        queryEnd = b[pathEnd] == '?' ? uriEnd(b, pathEnd + 1, true) : pathEnd;
        int end = queryEnd + HTTP_1_1_CRLF.length;
        return end <= length && Arrays.equals(b, queryEnd, end, HTTP_1_1_CRLF, 0, HTTP_1_1_CRLF.length) ? end : -1;
    }

    /**
     * Where a run of path characters ends (pchar and '/', RFC 3986; '?' too in a query), a '%' counting only with two
     * hex digits after it. The head's CRLF ends every run before the bytes held do.
     */
    private static int uriEnd(byte[] b, int i, boolean query) {
        while (true) {
            int c = b[i] & 0xff;
            if (PCHAR[c] || c == '/' || (query && c == '?')) {
                i++;
            } else if (c == '%' && HEX[b[i + 1] & 0xff] && HEX[b[i + 2] & 0xff]) {
                i += 3;
            } else {
                return i;
            }
        }
    }

    private boolean headerLines(int start) {
        byte[] b = bytes;
        int i = start;
        lineCount = 0;
        hostStart = -1;
        close = false;
        Arrays.fill(forwarding, -1);
        while (b[i] != '\r') {
            int nameStart = i;
            while (TCHAR[b[i] & 0xff]) {
                i++;
            }
            int nameEnd = i;
            if (nameEnd == nameStart || b[i] != ':') {
                return false;
            }
            i++;
            while (b[i] == ' ' || b[i] == '\t') {
                i++;
            }
            int valueStart = i;
            int valueEnd = i;
            while (true) {
                int c = b[i] & 0xff;
                if (c == '\r') {
                    break;
                }
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    return false;
                }
                i++;
                if (c != ' ' && c != '\t') {
                    valueEnd = i;
                }
            }
            i += 2;
            if (!header(b, nameStart, nameEnd, valueStart, valueEnd)) {
                return false;
            }
        }
        return hostStart >= 0;
    }

    /** Takes one header line; false when the request is not one for the fast path. */
    private boolean header(byte[] b, int nameStart, int nameEnd, int valueStart, int valueEnd) {
        int n = nameEnd - nameStart;
        if (n == 4 && named(b, nameStart, n, HOST)) {
            if (hostStart >= 0 || !validHost(b, valueStart, valueEnd)) {
                return false;
            }
            hostStart = valueStart;
            hostEnd = valueEnd;
            return true;
        }
        if (n == 10 && named(b, nameStart, n, CONNECTION)) {
            return connection(b, valueStart, valueEnd);
        }
        if ((n == 14 && (named(b, nameStart, n, CONTENT_LENGTH) || named(b, nameStart, n, HTTP2_SETTINGS)))
                || (n == 17 && named(b, nameStart, n, TRANSFER_ENCODING))
                || (n == 6 && named(b, nameStart, n, EXPECT))
                || (n == 7 && named(b, nameStart, n, UPGRADE))) {
            return false;
        }
        int slot = n == 15 && named(b, nameStart, n, X_FORWARDED_FOR) ? 0
                : n == 17 && named(b, nameStart, n, X_FORWARDED_PROTO) ? 2
                : n == 16 && named(b, nameStart, n, X_FORWARDED_HOST) ? 4
                : n == 3 && named(b, nameStart, n, VIA) ? 6 : -1;
        if (slot >= 0) {
            if (forwarding[slot] >= 0) {
                // several lines: Helidon's reader joins them as the forwarding expects
                return false;
            }
            forwarding[slot] = valueStart;
            forwarding[slot + 1] = valueEnd;
            return true;
        }
        for (byte[] dropped : DROPPED) {
            if (n == dropped.length && named(b, nameStart, n, dropped)) {
                return true;
            }
        }
        if (lineCount == MAX_LINES) {
            return false;
        }
        if (4 * lineCount + 4 > lines.length) {
            lines = Arrays.copyOf(lines, lines.length * 2);
        }
        int at = 4 * lineCount++;
        lines[at] = nameStart;
        lines[at + 1] = nameEnd;
        lines[at + 2] = valueStart;
        lines[at + 3] = valueEnd;
        return true;
    }

    /** Connection may say close or keep-alive; a header name in it (to be dropped too) is left to Helidon's path. */
    private boolean connection(byte[] b, int start, int end) {
        int i = start;
        while (i < end) {
            int tokenStart = i;
            while (i < end && b[i] != ',') {
                i++;
            }
            int tokenEnd = i;
            while (tokenStart < tokenEnd && (b[tokenStart] == ' ' || b[tokenStart] == '\t')) {
                tokenStart++;
            }
            while (tokenEnd > tokenStart && (b[tokenEnd - 1] == ' ' || b[tokenEnd - 1] == '\t')) {
                tokenEnd--;
            }
            int n = tokenEnd - tokenStart;
            if (n == 5 && named(b, tokenStart, n, CLOSE)) {
                close = true;
            } else if (n != 0 && !(n == 10 && named(b, tokenStart, n, KEEP_ALIVE))) {
                return false;
            }
            i++;
        }
        return true;
    }

    /** A name of unreserved characters, and a port of up to five digits after a colon. */
    private static boolean validHost(byte[] b, int start, int end) {
        int i = start;
        while (i < end && HOST_CHAR[b[i] & 0xff]) {
            i++;
        }
        if (i == start) {
            return false;
        }
        if (i == end) {
            return true;
        }
        if (b[i] != ':' || end - i < 2 || end - i > 6) {
            return false;
        }
        for (i++; i < end; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the token at {@code start} is {@code lowerName}, ignoring case. Setting bit 5 lower-cases a letter and
     * turns nothing else a token may hold into a letter, a '-' or a digit, which is all the names compared hold.
     */
    private static boolean named(byte[] b, int start, int n, byte[] lowerName) {
        for (int i = 0; i < n; i++) {
            if ((b[start + i] | 0x20) != lowerName[i]) {
                return false;
            }
        }
        return true;
    }

    private static Method method(byte[] b, int end) {
        return switch (end) {
            case 3 -> b[0] == 'G' && b[1] == 'E' && b[2] == 'T' ? Method.GET
                    : b[0] == 'P' && b[1] == 'U' && b[2] == 'T' ? Method.PUT : null;
            case 4 -> b[0] == 'H' && b[1] == 'E' && b[2] == 'A' && b[3] == 'D' ? Method.HEAD
                    : b[0] == 'P' && b[1] == 'O' && b[2] == 'S' && b[3] == 'T' ? Method.POST : null;
            case 5 -> b[0] == 'P' && b[1] == 'A' && b[2] == 'T' && b[3] == 'C' && b[4] == 'H' ? Method.PATCH : null;
            case 6 -> b[0] == 'D' && b[1] == 'E' && b[2] == 'L' && b[3] == 'E' && b[4] == 'T' && b[5] == 'E'
                    ? Method.DELETE : null;
            case 7 -> b[0] == 'O' && b[1] == 'P' && b[2] == 'T' && b[3] == 'I' && b[4] == 'O' && b[5] == 'N'
                    && b[6] == 'S' ? Method.OPTIONS : null;
            default -> null;
        };
    }

    Method method() {
        return method;
    }

    /** Whether the client asked to close the connection after this request. */
    boolean close() {
        return close;
    }

    /** The Host header's value; the String of the previous request when the bytes are the same. */
    String host() {
        host = text(hostStart, hostEnd, host);
        return host;
    }

    /** The path as sent, without the query. */
    String rawPath() {
        path = text(pathStart, pathEnd, path);
        return path;
    }

    /** The query as sent, '?' included; empty when there is none. */
    String rawQuery() {
        return queryEnd == pathEnd ? "" : new String(bytes, pathEnd, queryEnd - pathEnd, StandardCharsets.ISO_8859_1);
    }

    /**
     * The value of X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host or Via (0, 1, 2, 3), null when the client sent
     * none.
     */
    String forwarding(int which) {
        int start = forwarding[2 * which];
        return start < 0 ? null
                : new String(bytes, start, forwarding[2 * which + 1] - start, StandardCharsets.ISO_8859_1);
    }

    static final int X_FORWARDED_FOR_VALUE = 0;
    static final int X_FORWARDED_PROTO_VALUE = 1;
    static final int X_FORWARDED_HOST_VALUE = 2;
    static final int VIA_VALUE = 3;

    /** Writes the client's end-to-end header lines as they came, each {@code name: value CRLF}. */
    void writeEndToEnd(HeadWriter out) {
        byte[] b = bytes;
        for (int i = 0; i < 4 * lineCount; i += 4) {
            int nameStart = lines[i];
            int valueStart = lines[i + 2];
            int valueEnd = lines[i + 3];
            if (valueStart == lines[i + 1] + 2 && b[valueStart - 1] == ' ' && b[valueEnd] == '\r') {
                // "name: value" as it should be written: the line in one copy, its CRLF included
                out.write(b, nameStart, valueEnd + 2 - nameStart);
            } else {
                out.write(b, nameStart, lines[i + 1] - nameStart).write(':').write(' ')
                        .write(b, valueStart, valueEnd - valueStart).crlf();
            }
        }
    }

    private String text(int start, int end, String previous) {
        int n = end - start;
        if (previous != null && previous.length() == n) {
            boolean same = true;
            for (int i = 0; i < n; i++) {
                if (previous.charAt(i) != (bytes[start + i] & 0xff)) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return previous;
            }
        }
        return new String(bytes, start, n, StandardCharsets.ISO_8859_1);
    }

    private static byte[] lower(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }
}
