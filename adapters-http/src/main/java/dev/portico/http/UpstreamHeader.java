package dev.portico.http;

import io.helidon.common.GenericType;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.mapper.Value;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One header line of an upstream's response, validated as bytes and written to the client as the bytes it arrived
 * as. Helidon's parsed headers make each value a String to validate it and turn it back into bytes to write it
 * (three allocations per header on every response, bench/NOTES.md); this one makes a String only when somebody asks
 * for the value (Content-Length, Connection, Location), and keeps bytes outside US-ASCII (obs-text) unchanged where a
 * String in US-ASCII would turn them into '?'.
 */
final class UpstreamHeader implements Header {
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

    private final HeaderName name;
    private final byte[] line;
    private final int valueStart;
    private final int valueEnd;
    private String value;

    private UpstreamHeader(HeaderName name, byte[] line, int valueStart, int valueEnd) {
        this.name = name;
        this.line = line;
        this.valueStart = valueStart;
        this.valueEnd = valueEnd;
    }

    /**
     * A field line without its CRLF: {@code name ":" OWS value OWS} (RFC 9112, 5).
     *
     * @throws IllegalStateException when the name is not a token (also for whitespace before the colon, and for a
     *                               line folded onto the previous one), or the value holds a control character
     */
    static UpstreamHeader parse(byte[] line) {
        int colon = 0;
        while (colon < line.length && line[colon] != ':') {
            int b = line[colon];
            if (b < 0 || !TCHAR[b]) {
                throw new IllegalStateException("response header line with an invalid field name");
            }
            colon++;
        }
        if (colon == 0 || colon == line.length) {
            throw new IllegalStateException("response header line without a field name and colon");
        }
        int start = colon + 1;
        int end = line.length;
        while (start < end && (line[start] == ' ' || line[start] == '\t')) {
            start++;
        }
        while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
            end--;
        }
        for (int i = start; i < end; i++) {
            int b = line[i] & 0xff;
            // field-vchar, obs-text, SP and HTAB; any other control character could end the line for a client
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                throw new IllegalStateException("response header '" + new String(line, 0, colon, StandardCharsets.US_ASCII)
                        + "' with a control character in its value");
            }
        }
        return new UpstreamHeader(HeaderNames.create(new String(line, 0, colon, StandardCharsets.US_ASCII)), line,
                start, end);
    }

    @Override
    public void writeHttp1Header(BufferData buffer) {
        buffer.write(name.nameBytes());
        buffer.write(':');
        buffer.write(' ');
        buffer.write(line, valueStart, valueEnd - valueStart);
        buffer.write('\r');
        buffer.write('\n');
    }

    @Override
    public byte[] valueBytes() {
        return Arrays.copyOfRange(line, valueStart, valueEnd);
    }

    @Override
    public String name() {
        return name.defaultCase();
    }

    @Override
    public HeaderName headerName() {
        return name;
    }

    @Override
    public String get() {
        if (value == null) {
            // ISO-8859-1 maps each byte to one char, so the String says what the bytes say
            value = new String(line, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
        }
        return value;
    }

    @Override
    public List<String> allValues() {
        return List.of(get());
    }

    @Override
    public int valueCount() {
        return 1;
    }

    @Override
    public boolean sensitive() {
        return false;
    }

    @Override
    public boolean changing() {
        return false;
    }

    /** Conversions (nobody on the proxy's path uses them) go through Helidon's own header of the same value. */
    private Header helidon() {
        return HeaderValues.create(name, get());
    }

    @Override
    public <N> Value<N> as(Class<N> type) {
        return helidon().as(type);
    }

    @Override
    public <N> Value<N> as(GenericType<N> type) {
        return helidon().as(type);
    }

    @Override
    public <N> Value<N> as(Function<? super String, ? extends N> mapper) {
        return helidon().as(mapper);
    }

    @Override
    public Optional<String> asOptional() {
        return Optional.of(get());
    }

    @Override
    public Value<Boolean> asBoolean() {
        return helidon().asBoolean();
    }

    @Override
    public Value<String> asString() {
        return helidon().asString();
    }

    @Override
    public Value<Integer> asInt() {
        return helidon().asInt();
    }

    @Override
    public Value<Long> asLong() {
        return helidon().asLong();
    }

    @Override
    public Value<Double> asDouble() {
        return helidon().asDouble();
    }

    @Override
    public String toString() {
        return name.defaultCase() + ": " + get();
    }
}
