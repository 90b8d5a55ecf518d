package dev.portico.http.observe;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How an exchange is written as one access-log line. Whatever a client controls (path, Host, User-Agent, Referer, a
 * trusted proxy's request id) is escaped, so that no value can end a line or start a field of its own.
 */
public enum AccessLogFormat {
    /**
     * One JSON object per line: {@code ts}, {@code request_id}, {@code trace_id}, {@code client_ip}, {@code method},
     * {@code host}, {@code path} (raw, with the query), {@code proto}, {@code tls} (the TLS version), {@code sni}, {@code status}, {@code bytes_in},
     * {@code bytes_out}, {@code duration_ms}, {@code upstream_ms}, {@code route}, {@code upstream}, {@code target},
     * {@code attempts}, {@code user_agent}, {@code referer}, and {@code websocket} for a WebSocket. Absent values are
     * null.
     */
    JSON {
        @Override
        void format(ExchangeRecord r, StringBuilder out) {
            out.append("{\"ts\":\"");
            timestamp(out, r.startedAtMillis());
            out.append('"');
            string(out, "request_id", r.requestId());
            safe(out, "trace_id", r.traceId());
            safe(out, "client_ip", r.clientIp());
            string(out, "method", r.method());
            string(out, "host", r.host());
            string(out, "path", r.target());
            safe(out, "proto", r.protocol());
            safe(out, "tls", r.tls());
            string(out, "sni", r.serverName());
            out.append(",\"status\":").append(r.status());
            out.append(",\"bytes_in\":").append(r.bytesIn());
            out.append(",\"bytes_out\":").append(r.bytesOut());
            out.append(",\"duration_ms\":");
            millis(out, r.durationNanos());
            out.append(",\"upstream_ms\":");
            if (r.upstreamNanos() < 0) {
                out.append("null");
            } else {
                millis(out, r.upstreamNanos());
            }
            safe(out, "route", r.route());
            safe(out, "upstream", r.upstream());
            string(out, "target", r.targetUrl());
            out.append(",\"attempts\":").append(r.attempts());
            string(out, "user_agent", r.userAgent());
            string(out, "referer", r.referer());
            if (r.isWebSocket()) {
                out.append(",\"websocket\":true");
            }
            out.append("}\n");
        }
    },

    /**
     * nginx's {@code combined}: {@code $remote_addr - - [$time_local] "$request" $status $body_bytes_sent
     * "$http_referer" "$http_user_agent"}, escaped as nginx escapes it ({@code \xHH} for '"', '\' and anything not
     * printable ASCII).
     */
    COMBINED {
        @Override
        void format(ExchangeRecord r, StringBuilder out) {
            nginx(out, r.clientIp() == null ? "-" : r.clientIp());
            out.append(" - - [").append(localTime(r.startedAtMillis())).append("] \"");
            if (r.method().isEmpty()) {
                out.append('-');
            } else {
                nginx(out, r.method());
                out.append(' ');
                nginx(out, r.target());
                out.append(' ').append(r.protocol());
            }
            out.append("\" ").append(r.status()).append(' ').append(r.bytesOut()).append(" \"");
            nginx(out, r.referer() == null ? "-" : r.referer());
            out.append("\" \"");
            nginx(out, r.userAgent() == null ? "-" : r.userAgent());
            out.append("\"\n");
        }
    };

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** A second's formatted text: formatting a date costs more than the rest of a line, and a second has many. */
    private record Second(long epochSecond, String text) {
    }

    private static volatile Second isoSecond = new Second(-1, "");
    private static volatile Second localSecond = new Second(-1, "");

    /** {@code 2026-12-08T04:10:31.278Z}. */
    private static void timestamp(StringBuilder out, long epochMillis) {
        long epochSecond = Math.floorDiv(epochMillis, 1000);
        Second second = isoSecond;
        if (second.epochSecond() != epochSecond) {
            second = new Second(epochSecond, SECONDS.format(Instant.ofEpochSecond(epochSecond)));
            isoSecond = second;
        }
        int millis = (int) Math.floorMod(epochMillis, 1000);
        out.append(second.text()).append('.').append((char) ('0' + millis / 100))
                .append((char) ('0' + millis / 10 % 10)).append((char) ('0' + millis % 10)).append('Z');
    }

    /** nginx's {@code $time_local}, in UTC: {@code 08/Dec/2026:04:10:31 +0000}. */
    private static String localTime(long epochMillis) {
        long epochSecond = Math.floorDiv(epochMillis, 1000);
        Second second = localSecond;
        if (second.epochSecond() != epochSecond) {
            second = new Second(epochSecond, LOCAL_TIME.format(Instant.ofEpochSecond(epochSecond)));
            localSecond = second;
        }
        return second.text();
    }

    /** Appends the exchange as one line, its newline included. */
    abstract void format(ExchangeRecord exchange, StringBuilder out);

    /** The format of a {@code PORTICO_ACCESS_LOG_FORMAT} value; null when there is none of that name. */
    public static AccessLogFormat named(String name) {
        for (AccessLogFormat format : values()) {
            if (format.name().equalsIgnoreCase(name.strip())) {
                return format;
            }
        }
        return null;
    }

    /**
     * A value no client controls and that cannot hold a character JSON escapes: a validated trace id, method or stored
     * name, an address Portico formatted, a constant.
     */
    private static void safe(StringBuilder out, String key, String value) {
        out.append(",\"").append(key).append("\":");
        if (value == null) {
            out.append("null");
        } else {
            out.append('"').append(value).append('"');
        }
    }

    private static void string(StringBuilder out, String key, String value) {
        out.append(",\"").append(key).append("\":");
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        if (plain(value)) {
            out.append(value).append('"');
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                // control characters, and the two line separators some JSON readers split lines at
                out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                        .append(HEX[c & 0xf]);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /** Whether a value needs no escaping in JSON: printable ASCII without '"' and '\'. */
    private static boolean plain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Milliseconds with three decimals, from nanoseconds. */
    private static void millis(StringBuilder out, long nanos) {
        long micros = nanos / 1000;
        out.append(micros / 1000).append('.');
        long fraction = micros % 1000;
        if (fraction < 100) {
            out.append('0');
        }
        if (fraction < 10) {
            out.append('0');
        }
        out.append(fraction);
    }

    /** As nginx escapes variables in a log line: '"', '\' and bytes outside printable ASCII as {@code \xHH}. */
    private static void nginx(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c > 0x7e) {
                if (c > 0xff) {
                    out.append("\\x").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]);
                }
                out.append("\\x").append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            } else {
                out.append(c);
            }
        }
    }
}
