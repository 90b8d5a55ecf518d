package dev.portico.http.http1;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * README's parsing policy written the plain way, for {@link ParsingPropertiesTest} to hold Portico's byte-level reader
 * against: the grammar of RFC 9112 as regular expressions over a whole input, slow and obvious, sharing no code with
 * {@link dev.portico.http.wire.RequestHead} or {@link Http1Body}. Problems are found in the order the policy names them: the scan for the end
 * of the head (line ends, sizes), the request line, each header line in turn, then what the lines say together.
 */
final class ReferenceRequestReader {
    private static final String TCHAR = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]";
    private static final String PCHAR = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})";
    private static final Pattern ORIGIN = Pattern.compile("(/(?:" + PCHAR + "|/)*)(\\?(?:" + PCHAR + "|[/?])*)?");
    private static final Pattern ABSOLUTE = Pattern.compile("(?i:https?)://([^/?]*)((?:/(?:" + PCHAR
            + "|/)*)?)(\\?(?:" + PCHAR + "|[/?])*)?");
    private static final Pattern HOST = Pattern.compile("(?:[A-Za-z0-9\\-._~]+|\\[[0-9A-Fa-f:.]+])(?::[0-9]{1,5})?");
    private static final Pattern FIELD = Pattern.compile("(" + TCHAR + "+):[ \\t]*([\\t\\x20-\\x7e\\x80-\\xff]*?)[ \\t]*");
    private static final Pattern CHUNK_LINE = Pattern.compile("([0-9A-Fa-f]{1,15})(?:[ \\t]*;[ \\t]*" + TCHAR
            + "+(?:[ \\t]*=[ \\t]*(?:" + TCHAR + "+|\"(?:[\\t\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]|\\\\[\\t\\x20-\\x7e\\x80-\\xff])*\"))?)*[ \\t]*");
    private static final Pattern TRAILER = Pattern.compile(TCHAR + "+:[\\t\\x20-\\x7e\\x80-\\xff]*");

    /** What reading the input's first request gave. */
    sealed interface Outcome {
        record Refused(int status) implements Outcome {
        }

        /** The head was taken; {@code body} is null when its framing broke, {@code complete} false when it ran out. */
        record Accepted(String method, String path, String query, String host, boolean http10, boolean close,
                        long contentLength, boolean chunked, byte[] body, boolean bodyComplete, int consumed)
                implements Outcome {
        }

        record Incomplete() implements Outcome {
        }
    }

    private ReferenceRequestReader() {
    }

    static Outcome read(byte[] input, int maxRequestLine, int maxHeaderSize) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        int start = 0;
        while (text.startsWith("\r\n", start)) {
            start += 2;
        }
        // the scan for the end of the head: line ends, then sizes, in the order the bytes come
        int lineEnd = -1;
        int end = -1;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                if (i == start || text.charAt(i - 1) != '\r') {
                    return new Outcome.Refused(400);
                }
                if (lineEnd < 0) {
                    lineEnd = i - 1;
                } else if (text.charAt(i - 2) == '\n') {
                    end = i + 1;
                    break;
                }
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) != '\n') {
                return new Outcome.Refused(400);
            }
            if (lineEnd < 0 && i - start >= maxRequestLine) {
                return new Outcome.Refused(414);
            }
            if (lineEnd >= 0 && i - (lineEnd + 2) >= maxHeaderSize + 2) {
                return new Outcome.Refused(431);
            }
        }
        if (end < 0) {
            return new Outcome.Incomplete();
        }
        // the request line
        String line = text.substring(start, lineEnd);
        Matcher requestLine = Pattern.compile("([A-Z_-]+) (\\S*) HTTP/([0-9])\\.([0-9])").matcher(line);
        if (!requestLine.matches() || requestLine.group(2).isEmpty()) {
            return new Outcome.Refused(400);
        }
        String method = requestLine.group(1);
        String target = requestLine.group(2);
        String path;
        String query;
        String authority = null;
        Matcher origin = ORIGIN.matcher(target);
        Matcher absolute = ABSOLUTE.matcher(target);
        if (origin.matches()) {
            path = origin.group(1);
            query = origin.group(2) == null ? "" : origin.group(2);
        } else if (absolute.matches()) {
            authority = absolute.group(1);
            if (!HOST.matcher(authority).matches()) {
                return new Outcome.Refused(400);
            }
            path = absolute.group(2).isEmpty() ? "/" : absolute.group(2);
            query = absolute.group(3) == null ? "" : absolute.group(3);
        } else {
            return new Outcome.Refused(400);
        }
        if (!requestLine.group(3).equals("1")) {
            return new Outcome.Refused(505);
        }
        boolean http10 = requestLine.group(4).equals("0");
        // each header line in turn
        String host = null;
        boolean hostSeen = false;
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        boolean keepAlive = false;
        for (String field : text.substring(lineEnd + 2, end - 4).split("\r\n", -1)) {
            if (lineEnd + 2 > end - 4) {
                break;
            }
            if (field.startsWith(" ") || field.startsWith("\t")) {
                return new Outcome.Refused(400);
            }
            Matcher m = FIELD.matcher(field);
            if (!m.matches()) {
                return new Outcome.Refused(400);
            }
            String name = m.group(1).toLowerCase(Locale.ROOT);
            String value = m.group(2);
            switch (name) {
                case "host" -> {
                    if (hostSeen || !HOST.matcher(value).matches()) {
                        return new Outcome.Refused(400);
                    }
                    hostSeen = true;
                    host = value;
                }
                case "content-length" -> {
                    if (contentLength >= 0 || !value.matches("[0-9]{1,18}")) {
                        return new Outcome.Refused(400);
                    }
                    contentLength = Long.parseLong(value);
                }
                case "transfer-encoding" -> {
                    if (chunked) {
                        return new Outcome.Refused(400);
                    }
                    if (!value.equalsIgnoreCase("chunked")) {
                        return new Outcome.Refused(501);
                    }
                    chunked = true;
                }
                case "connection" -> {
                    for (String token : value.split(",", -1)) {
                        String t = token.strip().toLowerCase(Locale.ROOT);
                        if (!t.matches(TCHAR + "*")) {
                            return new Outcome.Refused(400);
                        }
                        close |= t.equals("close");
                        keepAlive |= t.equals("keep-alive");
                    }
                }
                case "expect" -> {
                    if (!value.equalsIgnoreCase("100-continue")) {
                        return new Outcome.Refused(417);
                    }
                }
                default -> {
                    // passed on, or dropped as hop-by-hop: no bearing on how the request is read
                }
            }
        }
        // what the lines say together
        if (!http10 && !hostSeen) {
            return new Outcome.Refused(400);
        }
        if (chunked && (contentLength >= 0 || http10)) {
            return new Outcome.Refused(400);
        }
        String requestHost = authority != null ? authority : host;
        boolean closes = http10 ? !keepAlive || close : close;
        // the body
        byte[] rest = java.util.Arrays.copyOfRange(input, end, input.length);
        if (!chunked) {
            long length = Math.max(contentLength, 0);
            boolean complete = rest.length >= length;
            byte[] body = java.util.Arrays.copyOf(rest, (int) Math.min(length, rest.length));
            return new Outcome.Accepted(method, path, query, requestHost, http10, closes, contentLength, false, body,
                    complete, end + body.length);
        }
        return chunkedBody(new String(rest, StandardCharsets.ISO_8859_1), method, path, query, requestHost, http10,
                closes, end);
    }

    private static Outcome chunkedBody(String rest, String method, String path, String query, String host,
                                       boolean http10, boolean close, int headLength) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lf = rest.indexOf("\r\n", at);
            if (lf < 0) {
                boolean broken = rest.indexOf('\n', at) >= 0 || lineBreaks(rest.substring(at));
                return accepted(method, path, query, host, http10, close, broken ? null : body, false, 0);
            }
            String line = rest.substring(at, lf);
            Matcher m = CHUNK_LINE.matcher(line);
            if (line.indexOf('\n') >= 0 || line.length() > Http1Body.MAX_CHUNK_LINE || !m.matches()) {
                return accepted(method, path, query, host, http10, close, null, false, 0);
            }
            long size = Long.parseLong(m.group(1), 16);
            at = lf + 2;
            if (size == 0) {
                break;
            }
            if (rest.length() < at + size) {
                body.writeBytes(rest.substring(at).getBytes(StandardCharsets.ISO_8859_1));
                return accepted(method, path, query, host, http10, close, body, false, 0);
            }
            body.writeBytes(rest.substring(at, (int) (at + size)).getBytes(StandardCharsets.ISO_8859_1));
            at += (int) size;
            if (rest.length() < at + 2) {
                boolean broken = rest.length() > at && rest.charAt(at) != '\r';
                return accepted(method, path, query, host, http10, close, broken ? null : body, false, 0);
            }
            if (!rest.startsWith("\r\n", at)) {
                return accepted(method, path, query, host, http10, close, null, false, 0);
            }
            at += 2;
        }
        while (true) {
            int lf = rest.indexOf("\r\n", at);
            if (lf < 0) {
                boolean broken = rest.indexOf('\n', at) >= 0 || lineBreaks(rest.substring(at));
                return accepted(method, path, query, host, http10, close, broken ? null : body, false, 0);
            }
            String field = rest.substring(at, lf);
            at = lf + 2;
            if (field.isEmpty()) {
                return accepted(method, path, query, host, http10, close, body, true, headLength + at);
            }
            if (field.indexOf('\n') >= 0 || !TRAILER.matcher(field).matches()) {
                return accepted(method, path, query, host, http10, close, null, false, 0);
            }
        }
    }

    /** A lone CR inside what arrived of a line: broken, whatever follows. */
    private static boolean lineBreaks(String partial) {
        int cr = partial.indexOf('\r');
        return cr >= 0 && cr + 1 < partial.length();
    }

    private static Outcome accepted(String method, String path, String query, String host, boolean http10,
                                    boolean close, ByteArrayOutputStream body, boolean complete, int consumed) {
        return new Outcome.Accepted(method, path, query, host, http10, close, -1, true,
                body == null ? null : body.toByteArray(), complete, consumed);
    }

    /** Splits an input into header-like pieces for mutations; kept here beside the grammar it mirrors. */
    static List<String> lines(String text) {
        return new ArrayList<>(List.of(text.split("(?<=\r\n)")));
    }
}
