package dev.portico.http.observe;

import java.util.concurrent.ThreadLocalRandom;

/**
 * What ties a request together across hops: its {@code X-Request-Id} and its W3C trace context ({@code traceparent},
 * {@code tracestate}), as sent on to the upstream and, for the id, back to the client.
 *
 * @param requestId   the client's when a trusted proxy sent a well-formed one, else one of Portico's (128 random bits)
 * @param traceparent the client's when well formed, one Portico started (with tracing on {@code generate}), or null
 * @param tracestate  the client's, kept only with its own valid traceparent; null otherwise
 */
public record Correlation(String requestId, String traceparent, String tracestate) {
    /** The longest X-Request-Id taken from a trusted proxy. */
    public static final int MAX_REQUEST_ID = 200;
    /** tracestate's limit: 32 members of at most 256 characters, with commas (W3C Trace Context, 3.3.1.1). */
    private static final int MAX_TRACESTATE = 8192;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /**
     * The correlation of a request, from what the client sent (each null when absent).
     *
     * @param trusted       whether the client is a trusted proxy, whose request id is kept
     * @param startTraces   whether Portico starts a trace for a request that came without one
     */
    public static Correlation of(String theirRequestId, boolean trusted, String theirTraceparent,
                                 String theirTracestate, boolean startTraces) {
        String requestId = trusted && validRequestId(theirRequestId) ? theirRequestId : newRequestId();
        if (theirTraceparent != null && validTraceparent(theirTraceparent)) {
            String state = theirTracestate != null && theirTracestate.length() <= MAX_TRACESTATE
                    && printable(theirTracestate) ? theirTracestate : null;
            return new Correlation(requestId, theirTraceparent, state);
        }
        return new Correlation(requestId, startTraces ? newTraceparent() : null, null);
    }

    /** The trace id (32 hex digits) of the traceparent; null without one. */
    public String traceId() {
        return traceparent == null ? null : traceparent.substring(3, 35);
    }

    /** Printable ASCII without spaces, 1 to 200 characters: nothing that could break a header or a log line. */
    static boolean validRequestId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_REQUEST_ID) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code version-traceid-parentid-flags} in lower-case hex (W3C Trace Context, 3.2): version 00 exactly so; a later
     * version (not ff) may carry more after a '-'. An all-zero trace or parent id is invalid.
     */
    static boolean validTraceparent(String value) {
        int n = value.length();
        if (n < 55 || value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-') {
            return false;
        }
        if (!hex(value, 0, 2) || !hex(value, 3, 35) || !hex(value, 36, 52) || !hex(value, 53, 55)) {
            return false;
        }
        if (value.startsWith("ff") || zeros(value, 3, 35) || zeros(value, 36, 52)) {
            return false;
        }
        if (value.startsWith("00")) {
            return n == 55;
        }
        return n == 55 || value.charAt(55) == '-';
    }

    private static boolean hex(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean zeros(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (value.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static boolean printable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** 128 random bits as 32 hex digits: unique enough to find one request among billions. */
    static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[32];
        hex(random.nextLong(), id, 0);
        hex(random.nextLong(), id, 16);
        return new String(id);
    }

    /** A new trace, sampled: {@code 00-<trace id>-<parent id>-01}. */
    static String newTraceparent() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] value = "00-00000000000000000000000000000000-0000000000000000-01".toCharArray();
        long high = random.nextLong();
        long low = random.nextLong();
        long parent = random.nextLong();
        hex(high == 0 && low == 0 ? 1 : high, value, 3);
        hex(low, value, 19);
        hex(parent == 0 ? 1 : parent, value, 36);
        return new String(value);
    }

    private static void hex(long bits, char[] into, int at) {
        for (int i = 15; i >= 0; i--) {
            into[at + i] = HEX[(int) (bits & 0xf)];
            bits >>>= 4;
        }
    }
}
