package dev.portico.http.wire;

import java.util.Arrays;

/** A message head put together as bytes, reused from one message to the next; grows as needed. */
public final class HeadWriter {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] bytes;
    private int length;

    public HeadWriter(int capacity) {
        bytes = new byte[capacity];
    }

    public HeadWriter clear() {
        length = 0;
        return this;
    }

    public byte[] array() {
        return bytes;
    }

    public int length() {
        return length;
    }

    public HeadWriter write(byte[] source) {
        return write(source, 0, source.length);
    }

    public HeadWriter write(byte[] source, int offset, int count) {
        ensure(count);
        System.arraycopy(source, offset, bytes, length, count);
        length += count;
        return this;
    }

    public HeadWriter write(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
        return this;
    }

    /**
     * Each char as one byte, as ISO-8859-1 encodes it (a char it cannot encode as '?'): header values read as bytes
     * into such Strings come back as the bytes they were.
     */
    public HeadWriter writeLatin1(String text) {
        int count = text.length();
        ensure(count);
        for (int i = 0; i < count; i++) {
            char c = text.charAt(i);
            bytes[length++] = c <= 0xff ? (byte) c : (byte) '?';
        }
        return this;
    }

    public HeadWriter writeDecimal(long value) {
        if (value < 10) {
            return write('0' + (int) value);
        }
        return writeLatin1(Long.toString(value));
    }

    public HeadWriter writeHex(int value) {
        int digits = Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(value) + 3) / 4);
        ensure(digits);
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            bytes[length++] = HEX[(value >>> shift) & 0xf];
        }
        return this;
    }

    public HeadWriter crlf() {
        ensure(2);
        bytes[length++] = '\r';
        bytes[length++] = '\n';
        return this;
    }

    private void ensure(int count) {
        if (length + count > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
        }
    }
}
