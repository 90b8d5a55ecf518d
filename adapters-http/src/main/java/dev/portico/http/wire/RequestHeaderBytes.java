package dev.portico.http.wire;

import io.helidon.common.buffers.LazyString;
import io.helidon.http.Header;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Writes a client's request header to the upstream as the bytes the client sent. Helidon 4.5's parser decodes header
 * values as US-ASCII, so a byte above 0x7F (a UTF-8 cookie or file name, which clients send and servers accept)
 * becomes U+FFFD in the value's String and '?' when written back, where nginx forwards it unchanged. Helidon keeps
 * the bytes in the value's {@link LazyString}, which has no public accessor; they are read here through
 * {@link VarHandle}s, which also spares a String and a byte[] per header. Should Helidon's classes change shape, the
 * handles are missing and the header is written through its String as before (RequestForwardingTest then fails on
 * the non-ASCII case, which is how the change would be noticed).
 */
public final class RequestHeaderBytes {
    private static final Class<?> LAZY_HEADER;
    private static final VarHandle LAZY_VALUE;
    private static final VarHandle BUFFER;
    private static final VarHandle OFFSET;
    private static final VarHandle LENGTH;

    static {
        Class<?> lazyHeader = null;
        VarHandle lazyValue = null;
        VarHandle buffer = null;
        VarHandle offset = null;
        VarHandle length = null;
        try {
            lazyHeader = Class.forName("io.helidon.http.HeaderValueLazy");
            lazyValue = MethodHandles.privateLookupIn(lazyHeader, MethodHandles.lookup())
                    .findVarHandle(lazyHeader, "value", LazyString.class);
            MethodHandles.Lookup lazyString = MethodHandles.privateLookupIn(LazyString.class, MethodHandles.lookup());
            buffer = lazyString.findVarHandle(LazyString.class, "buffer", byte[].class);
            offset = lazyString.findVarHandle(LazyString.class, "offset", int.class);
            length = lazyString.findVarHandle(LazyString.class, "length", int.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            lazyHeader = null;
        }
        LAZY_HEADER = lazyHeader;
        LAZY_VALUE = lazyValue;
        BUFFER = buffer;
        OFFSET = offset;
        LENGTH = length;
    }

    private RequestHeaderBytes() {
    }

    /** Writes {@code name: value CRLF} with the value's bytes as received. */
    public static void write(Header header, HeadWriter out) {
        if (LAZY_HEADER == null || header.getClass() != LAZY_HEADER || header.valueCount() != 1) {
            // a repeated header's values were merged as Strings; a header Portico made has no bytes to keep
            for (String value : header.allValues()) {
                out.write(header.headerName().nameBytes()).write(':').write(' ').writeLatin1(value).crlf();
            }
            return;
        }
        LazyString value = (LazyString) LAZY_VALUE.get(header);
        byte[] bytes = (byte[]) BUFFER.get(value);
        int start = (int) OFFSET.get(value);
        int end = start + (int) LENGTH.get(value);
        while (start < end && (bytes[start] == ' ' || bytes[start] == '\t')) {
            start++;
        }
        while (end > start && (bytes[end - 1] == ' ' || bytes[end - 1] == '\t')) {
            end--;
        }
        out.write(header.headerName().nameBytes()).write(':').write(' ').write(bytes, start, end - start).crlf();
    }
}
