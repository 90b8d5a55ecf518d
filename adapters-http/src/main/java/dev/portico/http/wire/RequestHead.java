package dev.portico.http.wire;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A client's HTTP/1.x request head, read where it lies in one pass over its bytes, as {@link ResponseHead} reads an
 * upstream's. This is the one reader of requests on the proxy listeners, so it is strict: everything it takes has
 * exactly one meaning, and everything else is {@link Parse#REFUSED refused} with the status that says why (the
 * table is in README, "Request parsing"). Request line and header lines are kept as offsets; the headers the proxy
 * acts on are recognised by name. One instance per connection, reused from request to request.
 */
public final class RequestHead {
    /** What {@link #parse} found. */
    public enum Parse {
        /** A whole head, {@link #length()} bytes long. */
        COMPLETE,
        /** No end of head yet, and nothing wrong so far: more bytes are needed. */
        INCOMPLETE,
        /** A request no server should act on: answer {@link #refusal()} and close. */
        REFUSED
    }

    /** Why a head is refused: the status and one line for the client. */
    public record Refusal(Status status, String reason) {
    }

    /** What a header line is to the proxy. */
    private static final byte PASS = 0;
    private static final byte DROP = 1;
    private static final byte FOR = 2;
    private static final byte PROTO = 3;
    private static final byte FORWARDED_HOST = 4;
    private static final byte VIA = 5;
    private static final byte REQUEST_ID = 6;
    private static final byte TRACEPARENT = 7;
    private static final byte TRACESTATE = 8;

    public static final int X_FORWARDED_FOR_VALUE = FOR;
    public static final int X_FORWARDED_PROTO_VALUE = PROTO;
    public static final int X_FORWARDED_HOST_VALUE = FORWARDED_HOST;
    public static final int VIA_VALUE = VIA;
    public static final int REQUEST_ID_VALUE = REQUEST_ID;
    public static final int TRACEPARENT_VALUE = TRACEPARENT;
    public static final int TRACESTATE_VALUE = TRACESTATE;

    private static final boolean[] TCHAR = new boolean[256];
    /** What a method may hold: upper-case letters, '-' and '_', as nginx takes them (methods are case-sensitive). */
    private static final boolean[] METHOD_CHAR = new boolean[256];
    /** RFC 3986 pchar without '%', which is checked apart: unreserved, sub-delims, ':' and '@'. */
    private static final boolean[] PCHAR = new boolean[256];
    /** What a host name may hold: RFC 3986 unreserved characters. */
    private static final boolean[] HOST_CHAR = new boolean[256];
    private static final boolean[] HEX = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = PCHAR[c] = HOST_CHAR[c] = HEX[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = PCHAR[c] = HOST_CHAR[c] = true;
            TCHAR[c - 32] = PCHAR[c - 32] = HOST_CHAR[c - 32] = METHOD_CHAR[c - 32] = true;
        }
        METHOD_CHAR['-'] = METHOD_CHAR['_'] = true;
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
    private static final byte[] X_FORWARDED_FOR = lower("x-forwarded-for");
    private static final byte[] X_FORWARDED_PROTO = lower("x-forwarded-proto");
    private static final byte[] X_FORWARDED_HOST = lower("x-forwarded-host");
    private static final byte[] VIA_NAME = lower("via");
    private static final byte[] X_REQUEST_ID = lower("x-request-id");
    private static final byte[] TRACEPARENT_NAME = lower("traceparent");
    private static final byte[] TRACESTATE_NAME = lower("tracestate");
    private static final byte[] COOKIE = lower("cookie");
    /**
     * Hop-by-hop headers (RFC 9110, 7.6.1), HTTP2-Settings (which only means anything with an h2c upgrade, never
     * taken) and Helidon's internal client-certificate header, dropped as {@code forward.HeaderRules} drops them.
     */
    private static final byte[][] DROPPED = {lower("keep-alive"), lower("proxy-connection"), lower("te"),
            lower("trailer"), lower("proxy-authenticate"), lower("proxy-authorization"), lower("http2-settings"),
            lower("x-helidon-cn")};
    private static final byte[] CLOSE = lower("close");
    private static final byte[] KEEP_ALIVE = lower("keep-alive");
    private static final byte[] CHUNKED = lower("chunked");
    private static final byte[] CONTINUE = lower("100-continue");
    private static final byte[] WEBSOCKET = lower("websocket");
    private static final Status REQUEST_HEADER_FIELDS_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");
    private static final byte[] HTTP_SLASH = "HTTP/".getBytes(StandardCharsets.US_ASCII);

    private final int maxRequestLine;
    private final int maxHeaderSize;
    private byte[] bytes = new byte[1024];
    private int held;

    // the scan for the end of the head, resumed where it stopped as bytes arrive
    private int start;
    private int scanned;
    private int lineEnd = -1;
    private int length;
    private Refusal refusal;

    private Method method;
    private boolean http10;
    private int pathStart;
    private int pathEnd;
    private int queryEnd;
    /** An absolute-form target with no path: the path is "/". */
    private boolean rootPath;
    private int hostStart;
    private int hostEnd;
    private boolean hostHeader;
    private boolean closeToken;
    private boolean keepAliveToken;
    private boolean upgradeToken;
    private long contentLength;
    private boolean chunked;
    private boolean expectContinue;
    private int upgradeStart;
    private int upgradeEnd;
    /** Header names the Connection header lists, as start and end offsets: dropped like hop-by-hop ones. */
    private int[] connectionNamed = new int[8];
    private int connectionNamedCount;
    /** Per header line: start of the name, end of the name, start and end of the value (trimmed). */
    private int[] lines = new int[4 * 16];
    private byte[] kinds = new byte[16];
    private int lineCount;

    private String host;
    private String path;

    /**
     * @param maxRequestLine longest request line taken, CRLF excluded (414 beyond)
     * @param maxHeaderSize  largest header section taken, the blank line excluded (431 beyond)
     */
    public RequestHead(int maxRequestLine, int maxHeaderSize) {
        this.maxRequestLine = maxRequestLine;
        this.maxHeaderSize = maxHeaderSize;
    }

    /** Room for {@code count} more bytes after those held; the array to copy them into at {@link #held()}. */
    public byte[] room(int count) {
        if (held + count > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, held + count));
        }
        return bytes;
    }

    /** The bytes copied in at {@link #held()} by the caller after {@link #room}. */
    public void added(int count) {
        held += count;
    }

    public int held() {
        return held;
    }

    /** Bytes of a head held at most: a head this long that has not ended is refused. */
    public int maxHeld() {
        return maxRequestLine + 2 + maxHeaderSize + 2;
    }

    /** Forgets the bytes held, for the next request. */
    public void clear() {
        held = 0;
        start = 0;
        scanned = 0;
        lineEnd = -1;
        refusal = null;
    }

    /** The head's length in bytes, blank line included, after {@link Parse#COMPLETE}. */
    public int length() {
        return length;
    }

    public byte[] bytes() {
        return bytes;
    }

    /** Why the head was refused, after {@link Parse#REFUSED}. */
    public Refusal refusal() {
        return refusal;
    }

    /**
     * Reads the next request's head from the connection's reader, waiting for its bytes, and leaves them in the reader
     * (the caller skips {@link #length()} of them once it takes the request). Only the bytes not copied yet are copied.
     *
     * @throws DataReader.InsufficientDataAvailableException when the connection ends first
     */
    public Parse readFrom(DataReader reader) {
        clear();
        reader.ensureAvailable();
        while (true) {
            int total = Math.min(reader.available(), maxHeld() + 1);
            int fresh = total - held;
            if (fresh > 0) {
                BufferData data = reader.getBuffer(total);
                data.skip(held);
                data.read(room(fresh), held, fresh);
                added(fresh);
            }
            Parse parse = parse();
            if (parse != Parse.INCOMPLETE) {
                return parse;
            }
            reader.pullData();
        }
    }

    /** Reads the head in the bytes held, going on from where the last call stopped. */
    public Parse parse() {
        if (refusal != null) {
            return Parse.REFUSED;
        }
        byte[] b = bytes;
        // RFC 9112, 2.2: empty lines before the request line are ignored (a client may send one after a body)
        while (scanned == start && held - start >= 1 && b[start] == '\r') {
            if (held - start < 2) {
                return Parse.INCOMPLETE;
            }
            if (b[start + 1] != '\n') {
                return refuse(Status.BAD_REQUEST_400, "a line ends with a CR alone");
            }
            start += 2;
            scanned = start;
            if (start > maxRequestLine) {
                return refuse(Status.REQUEST_URI_TOO_LONG_414, "the request line is too long");
            }
        }
        for (int i = scanned; i < held; i++) {
            byte c = b[i];
            if (c == '\n') {
                if (i == start || b[i - 1] != '\r') {
                    return refuse(Status.BAD_REQUEST_400, "a line ends with an LF alone");
                }
                if (lineEnd < 0) {
                    lineEnd = i - 1;
                } else if (b[i - 2] == '\n') {
                    length = i + 1;
                    scanned = length;
                    return read();
                }
            } else if (c == '\r') {
                if (i + 1 == held) {
                    // the byte after it has not arrived: look at this one again then
                    scanned = i;
                    return tooLong(i);
                }
                if (b[i + 1] != '\n') {
                    return refuse(Status.BAD_REQUEST_400, "a line ends with a CR alone");
                }
            }
            if (tooLong(i) == Parse.REFUSED) {
                return Parse.REFUSED;
            }
        }
        scanned = held;
        return Parse.INCOMPLETE;
    }

    private Parse tooLong(int i) {
        if (lineEnd < 0 && i - start >= maxRequestLine) {
            return refuse(Status.REQUEST_URI_TOO_LONG_414, "the request line is too long");
        }
        if (lineEnd >= 0 && i - (lineEnd + 2) >= maxHeaderSize + 2) {
            return refuse(REQUEST_HEADER_FIELDS_TOO_LARGE, "the request's header section is too large");
        }
        return Parse.INCOMPLETE;
    }

    private Parse refuse(Status status, String reason) {
        refusal = new Refusal(status, reason);
        return Parse.REFUSED;
    }

    /** The whole head arrived: the request line, then the header lines. */
    private Parse read() {
        hostStart = -1;
        hostHeader = false;
        closeToken = false;
        keepAliveToken = false;
        upgradeToken = false;
        contentLength = -1;
        chunked = false;
        expectContinue = false;
        upgradeStart = -1;
        connectionNamedCount = 0;
        lineCount = 0;
        rootPath = false;
        Parse line = requestLine();
        if (line != Parse.COMPLETE) {
            return line;
        }
        Parse headers = headerLines(lineEnd + 2);
        if (headers != Parse.COMPLETE) {
            return headers;
        }
        if (!http10 && !hostHeader) {
            return refuse(Status.BAD_REQUEST_400, "an HTTP/1.1 request needs a Host header");
        }
        if (chunked && contentLength >= 0) {
            return refuse(Status.BAD_REQUEST_400, "the request has both Content-Length and Transfer-Encoding");
        }
        if (chunked && http10) {
            return refuse(Status.BAD_REQUEST_400, "HTTP/1.0 has no Transfer-Encoding");
        }
        return Parse.COMPLETE;
    }

    /**
     * {@code METHOD SP request-target SP HTTP-version}, the target in origin form ({@code /path?query}) or absolute
     * form ({@code http://authority/path?query}, whose authority then names the host).
     */
    private Parse requestLine() {
        byte[] b = bytes;
        int i = start;
        while (METHOD_CHAR[b[i] & 0xff]) {
            i++;
        }
        if (b[i] != ' ' || i == start) {
            return refuse(Status.BAD_REQUEST_400, TCHAR[b[i] & 0xff]
                    ? "unknown method (methods are case-sensitive)" : "malformed request line");
        }
        method = method(b, start, i);
        i++;
        if (b[i] != '/') {
            int authority = absoluteForm(b, i);
            if (authority < 0) {
                return refuse(Status.BAD_REQUEST_400, "the request target must be a path or an http(s) URL");
            }
            i = authority;
            hostStart = i;
            while (b[i] != '/' && b[i] != '?' && b[i] != ' ' && b[i] != '\r') {
                i++;
            }
            hostEnd = i;
            if (hostEnd == hostStart || !validHost(b, hostStart, hostEnd)) {
                return refuse(Status.BAD_REQUEST_400, "the request target's host is not valid");
            }
            rootPath = b[i] != '/';
        }
        pathStart = i;
        pathEnd = uriEnd(b, pathStart, false);
        queryEnd = b[pathEnd] == '?' ? uriEnd(b, pathEnd + 1, true) : pathEnd;
        if (b[queryEnd] != ' ') {
            return refuse(Status.BAD_REQUEST_400, "the request target has a character that must be percent-encoded");
        }
        return version(queryEnd + 1);
    }

    /**
     * Where the authority of an {@code http://} or {@code https://} target starts (the scheme in any case); -1 when it
     * is neither. Each byte is looked at only after the one before it matched, so none past the line's CR is read.
     */
    private static int absoluteForm(byte[] b, int i) {
        if ((b[i] | 0x20) == 'h' && (b[i + 1] | 0x20) == 't' && (b[i + 2] | 0x20) == 't' && (b[i + 3] | 0x20) == 'p') {
            int colon = (b[i + 4] | 0x20) == 's' ? i + 5 : i + 4;
            if (b[colon] == ':' && b[colon + 1] == '/' && b[colon + 2] == '/') {
                return colon + 3;
            }
        }
        return -1;
    }

    private Parse version(int i) {
        byte[] b = bytes;
        if (lineEnd - i != 8 || !Arrays.equals(b, i, i + 5, HTTP_SLASH, 0, 5) || b[i + 6] != '.'
                || !isDigit(b[i + 5]) || !isDigit(b[i + 7])) {
            return refuse(Status.BAD_REQUEST_400, "malformed request line");
        }
        if (b[i + 5] != '1') {
            return refuse(Status.HTTP_VERSION_NOT_SUPPORTED_505, "only HTTP/1.0 and HTTP/1.1 are served here");
        }
        // RFC 9110, 2.5: a higher minor version is understood as the highest this server speaks
        http10 = b[i + 7] == '0';
        return Parse.COMPLETE;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
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

    private Parse headerLines(int i) {
        byte[] b = bytes;
        while (b[i] != '\r') {
            if (b[i] == ' ' || b[i] == '\t') {
                return refuse(Status.BAD_REQUEST_400, "a header line starts with whitespace (obsolete line folding)");
            }
            int nameStart = i;
            while (TCHAR[b[i] & 0xff]) {
                i++;
            }
            int nameEnd = i;
            if (nameEnd == nameStart || b[i] != ':') {
                return refuse(Status.BAD_REQUEST_400, b[i] == ' ' || b[i] == '\t'
                        ? "whitespace between a header name and its colon" : "malformed header name");
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
                    return refuse(Status.BAD_REQUEST_400, "a control character in a header value");
                }
                i++;
                if (c != ' ' && c != '\t') {
                    valueEnd = i;
                }
            }
            i += 2;
            Parse header = header(b, nameStart, nameEnd, valueStart, valueEnd);
            if (header != Parse.COMPLETE) {
                return header;
            }
        }
        return Parse.COMPLETE;
    }

    /** Takes one header line. */
    private Parse header(byte[] b, int nameStart, int nameEnd, int valueStart, int valueEnd) {
        int n = nameEnd - nameStart;
        byte kind = PASS;
        if (n == 4 && named(b, nameStart, n, HOST)) {
            if (hostHeader) {
                return refuse(Status.BAD_REQUEST_400, "more than one Host header");
            }
            hostHeader = true;
            if (valueEnd == valueStart || !validHost(b, valueStart, valueEnd)) {
                return refuse(Status.BAD_REQUEST_400, "the Host header is not valid");
            }
            if (hostStart < 0) {
                // an absolute-form target's authority names the host, whatever Host says (RFC 9112, 3.2.2)
                hostStart = valueStart;
                hostEnd = valueEnd;
            }
            kind = DROP;
        } else if (n == 14 && named(b, nameStart, n, CONTENT_LENGTH)) {
            if (contentLength >= 0) {
                return refuse(Status.BAD_REQUEST_400, "more than one Content-Length");
            }
            contentLength = decimal(b, valueStart, valueEnd);
            if (contentLength < 0) {
                return refuse(Status.BAD_REQUEST_400, "Content-Length is not a number");
            }
            kind = DROP;
        } else if (n == 17 && named(b, nameStart, n, TRANSFER_ENCODING)) {
            if (chunked) {
                return refuse(Status.BAD_REQUEST_400, "chunked applied more than once");
            }
            if (valueEnd - valueStart != CHUNKED.length || !named(b, valueStart, CHUNKED.length, CHUNKED)) {
                return refuse(Status.NOT_IMPLEMENTED_501, "the only transfer coding taken is chunked");
            }
            chunked = true;
            kind = DROP;
        } else if (n == 10 && named(b, nameStart, n, CONNECTION)) {
            if (!connection(b, valueStart, valueEnd)) {
                return refuse(Status.BAD_REQUEST_400, "malformed Connection header");
            }
            kind = DROP;
        } else if (n == 6 && named(b, nameStart, n, EXPECT)) {
            if (valueEnd - valueStart != CONTINUE.length || !named(b, valueStart, CONTINUE.length, CONTINUE)) {
                return refuse(Status.EXPECTATION_FAILED_417, "the only expectation met is 100-continue");
            }
            expectContinue = true;
            kind = DROP;
        } else if (n == 7 && named(b, nameStart, n, UPGRADE)) {
            upgradeStart = valueStart;
            upgradeEnd = valueEnd;
            kind = DROP;
        } else if (n == 15 && named(b, nameStart, n, X_FORWARDED_FOR)) {
            kind = FOR;
        } else if (n == 17 && named(b, nameStart, n, X_FORWARDED_PROTO)) {
            kind = PROTO;
        } else if (n == 16 && named(b, nameStart, n, X_FORWARDED_HOST)) {
            kind = FORWARDED_HOST;
        } else if (n == 3 && named(b, nameStart, n, VIA_NAME)) {
            kind = VIA;
        } else if (n == 12 && named(b, nameStart, n, X_REQUEST_ID)) {
            kind = REQUEST_ID;
        } else if (n == 11 && named(b, nameStart, n, TRACEPARENT_NAME)) {
            kind = TRACEPARENT;
        } else if (n == 10 && named(b, nameStart, n, TRACESTATE_NAME)) {
            kind = TRACESTATE;
        } else {
            for (byte[] dropped : DROPPED) {
                if (n == dropped.length && named(b, nameStart, n, dropped)) {
                    kind = DROP;
                    break;
                }
            }
        }
        if (4 * lineCount + 4 > lines.length) {
            lines = Arrays.copyOf(lines, lines.length * 2);
            kinds = Arrays.copyOf(kinds, kinds.length * 2);
        }
        int at = 4 * lineCount;
        lines[at] = nameStart;
        lines[at + 1] = nameEnd;
        lines[at + 2] = valueStart;
        lines[at + 3] = valueEnd;
        kinds[lineCount++] = kind;
        return Parse.COMPLETE;
    }

    /** {@code 1*DIGIT}, at most 18 of them; -1 for anything else (a sign, a list, spaces, a fraction). */
    private static long decimal(byte[] b, int start, int end) {
        if (end == start || end - start > 18) {
            return -1;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            if (!isDigit(b[i])) {
                return -1;
            }
            value = value * 10 + (b[i] - '0');
        }
        return value;
    }

    /**
     * Connection's tokens: close, keep-alive and upgrade are understood; any other names a header that is dropped
     * too. False when a member is not a token.
     */
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
            for (int j = tokenStart; j < tokenEnd; j++) {
                if (!TCHAR[b[j] & 0xff]) {
                    return false;
                }
            }
            int n = tokenEnd - tokenStart;
            if (n == 5 && named(b, tokenStart, n, CLOSE)) {
                closeToken = true;
            } else if (n == 10 && named(b, tokenStart, n, KEEP_ALIVE)) {
                keepAliveToken = true;
            } else if (n == 7 && named(b, tokenStart, n, UPGRADE)) {
                upgradeToken = true;
            } else if (n > 0) {
                if (2 * connectionNamedCount + 2 > connectionNamed.length) {
                    connectionNamed = Arrays.copyOf(connectionNamed, connectionNamed.length * 2);
                }
                connectionNamed[2 * connectionNamedCount] = tokenStart;
                connectionNamed[2 * connectionNamedCount + 1] = tokenEnd;
                connectionNamedCount++;
            }
            i++;
        }
        return true;
    }

    /**
     * {@code host[:port]}: a name of unreserved characters or a bracketed IPv6 literal, and a port of one to five
     * digits after a colon.
     */
    private static boolean validHost(byte[] b, int start, int end) {
        int i = start;
        if (b[i] == '[') {
            i++;
            while (i < end && (HEX[b[i] & 0xff] || b[i] == ':' || b[i] == '.')) {
                i++;
            }
            if (i == start + 1 || i == end || b[i] != ']') {
                return false;
            }
            i++;
        } else {
            while (i < end && HOST_CHAR[b[i] & 0xff]) {
                i++;
            }
            if (i == start) {
                return false;
            }
        }
        if (i == end) {
            return true;
        }
        if (b[i] != ':' || end - i < 2 || end - i > 6) {
            return false;
        }
        for (i++; i < end; i++) {
            if (!isDigit(b[i])) {
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

    private static Method method(byte[] b, int start, int end) {
        int n = end - start;
        Method known = switch (n) {
            case 3 -> b[start] == 'G' && b[start + 1] == 'E' && b[start + 2] == 'T' ? Method.GET
                    : b[start] == 'P' && b[start + 1] == 'U' && b[start + 2] == 'T' ? Method.PUT : null;
            case 4 -> b[start] == 'H' && b[start + 1] == 'E' && b[start + 2] == 'A' && b[start + 3] == 'D'
                    ? Method.HEAD
                    : b[start] == 'P' && b[start + 1] == 'O' && b[start + 2] == 'S' && b[start + 3] == 'T'
                    ? Method.POST : null;
            default -> null;
        };
        return known != null ? known : Method.create(new String(b, start, n, StandardCharsets.US_ASCII));
    }

    public Method method() {
        return method;
    }

    /** Whether the request is HTTP/1.0 (else 1.1). */
    public boolean http10() {
        return http10;
    }

    /** Whether the connection ends after this request: the client asked (1.1) or did not ask to keep it (1.0). */
    public boolean close() {
        return http10 ? !keepAliveToken || closeToken : closeToken;
    }

    /** The body's Content-Length, or -1 when it sent none. */
    public long contentLength() {
        return contentLength;
    }

    public boolean chunked() {
        return chunked;
    }

    /** Whether a body follows the head. */
    public boolean hasBody() {
        return chunked || contentLength > 0;
    }

    public boolean expectsContinue() {
        return expectContinue;
    }

    /** Whether the client asks to switch to WebSocket ({@code Upgrade: websocket} and {@code Connection: upgrade}). */
    public boolean upgradesToWebSocket() {
        return upgradeToken && upgradeStart >= 0 && upgradeEnd - upgradeStart == WEBSOCKET.length
                && named(bytes, upgradeStart, WEBSOCKET.length, WEBSOCKET);
    }

    /**
     * The host the request is for: the authority of an absolute-form target, else the Host header; null when there
     * is none (HTTP/1.0). The String of the previous request when the bytes are the same.
     */
    public String host() {
        if (hostStart < 0) {
            return null;
        }
        host = text(hostStart, hostEnd, host);
        return host;
    }

    /** The path as sent, without the query ("/" for an absolute-form target without one). */
    public String rawPath() {
        if (rootPath) {
            return "/";
        }
        path = text(pathStart, pathEnd, path);
        return path;
    }

    /** The query as sent, '?' included; empty when there is none. */
    public String rawQuery() {
        return queryEnd == pathEnd ? "" : new String(bytes, pathEnd, queryEnd - pathEnd, StandardCharsets.ISO_8859_1);
    }

    /**
     * The value of X-Forwarded-For, Via, X-Request-Id, traceparent or tracestate (several lines joined as one list),
     * of X-Forwarded-Proto or X-Forwarded-Host (the first line); null when the client sent none.
     */
    public String forwarding(int which) {
        String joined = null;
        for (int line = 0; line < lineCount; line++) {
            if (kinds[line] == which) {
                String value = value(line);
                if (which == PROTO || which == FORWARDED_HOST) {
                    return value;
                }
                joined = joined == null ? value : joined + ", " + value;
            }
        }
        return joined;
    }

    /** The first value of a header, its name compared without regard to case; null when absent. */
    public String header(String name) {
        for (int line = 0; line < lineCount; line++) {
            if (nameIs(line, name)) {
                return value(line);
            }
        }
        return null;
    }

    /** The value of a cookie of the Cookie header(s), null when absent. */
    public String cookie(String name) {
        byte[] b = bytes;
        for (int line = 0; line < lineCount; line++) {
            int nameStart = lines[4 * line];
            if (lines[4 * line + 1] - nameStart != COOKIE.length || !named(b, nameStart, COOKIE.length, COOKIE)) {
                continue;
            }
            int end = lines[4 * line + 3];
            int i = lines[4 * line + 2];
            while (i < end) {
                int pairEnd = i;
                while (pairEnd < end && b[pairEnd] != ';') {
                    pairEnd++;
                }
                int pairStart = i;
                while (pairStart < pairEnd && b[pairStart] == ' ') {
                    pairStart++;
                }
                int equals = pairStart;
                while (equals < pairEnd && b[equals] != '=') {
                    equals++;
                }
                if (equals < pairEnd && equals - pairStart == name.length()
                        && name.equals(new String(b, pairStart, equals - pairStart, StandardCharsets.ISO_8859_1))) {
                    return new String(b, equals + 1, pairEnd - equals - 1, StandardCharsets.ISO_8859_1).strip();
                }
                i = pairEnd + 1;
            }
        }
        return null;
    }

    private boolean nameIs(int line, String name) {
        int nameStart = lines[4 * line];
        int n = lines[4 * line + 1] - nameStart;
        if (n != name.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = bytes[nameStart + i];
            int d = name.charAt(i);
            if (c != d && Character.toLowerCase(c) != Character.toLowerCase(d)) {
                return false;
            }
        }
        return true;
    }

    private String value(int line) {
        int start = lines[4 * line + 2];
        return new String(bytes, start, lines[4 * line + 3] - start, StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes the client's end-to-end header lines as they came, each {@code name: value CRLF}: all but the hop-by-hop
     * ones, those Connection names, and those the forwarding writes itself.
     */
    public void writeEndToEnd(HeadWriter out) {
        byte[] b = bytes;
        for (int line = 0; line < lineCount; line++) {
            if (kinds[line] != PASS || (connectionNamedCount > 0 && namedByConnection(line))) {
                continue;
            }
            int i = 4 * line;
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

    private boolean namedByConnection(int line) {
        byte[] b = bytes;
        int nameStart = lines[4 * line];
        int n = lines[4 * line + 1] - nameStart;
        for (int t = 0; t < connectionNamedCount; t++) {
            int tokenStart = connectionNamed[2 * t];
            if (connectionNamed[2 * t + 1] - tokenStart == n && equalsIgnoreCase(b, tokenStart, nameStart, n)) {
                return true;
            }
        }
        return false;
    }

    private static boolean equalsIgnoreCase(byte[] b, int one, int other, int n) {
        for (int i = 0; i < n; i++) {
            int c = b[one + i];
            int d = b[other + i];
            if (c != d && Character.toLowerCase(c) != Character.toLowerCase(d)) {
                return false;
            }
        }
        return true;
    }

    /** Every header line as Helidon headers, for the WebSocket handshake, which writes them with Helidon's types. */
    public WritableHeaders<?> helidonHeaders() {
        WritableHeaders<?> headers = WritableHeaders.create();
        for (int line = 0; line < lineCount; line++) {
            int nameStart = lines[4 * line];
            headers.add(HeaderValues.create(HeaderNames.create(new String(bytes, nameStart,
                    lines[4 * line + 1] - nameStart, StandardCharsets.US_ASCII)), value(line)));
        }
        return headers;
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
