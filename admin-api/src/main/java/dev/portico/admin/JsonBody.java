package dev.portico.admin;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Takes the bytes of an admin request's JSON body, refusing (with a {@link ProblemException}) what is not declared
 * JSON, not UTF-8, too large, or absent.
 */
final class JsonBody {
    /** Far above any real configuration, and low enough that a runaway script cannot fill the heap. */
    static final int MAX_BYTES = 1024 * 1024;

    private JsonBody() {
    }

    static byte[] read(ServerRequest request) {
        Optional<String> contentType = request.headers().first(HeaderNames.CONTENT_TYPE);
        if (contentType.isPresent() && !isJson(contentType.get())) {
            throw new ProblemException(Problem.unsupportedMediaType(contentType.get()));
        }
        // A body of unstated type is not taken as JSON (RFC 9110 section 8.3 lets a recipient guess; this API does not).
        // Without any body the answer is the 400 that says a body is required, which is what such a client is missing.
        if (contentType.isEmpty() && request.content().hasEntity()) {
            throw new ProblemException(Problem.missingMediaType());
        }
        // Refuse a declared oversize body before reading any of it.
        OptionalLong declared = request.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > MAX_BYTES) {
            throw new ProblemException(Problem.tooLarge(MAX_BYTES));
        }
        byte[] body;
        if (!request.content().hasEntity()) {
            body = new byte[0];
        } else {
            try (InputStream in = request.content().inputStream()) {
                // One byte more than allowed tells a body of exactly MAX_BYTES from a larger one sent chunked.
                body = in.readNBytes(MAX_BYTES + 1);
            } catch (IOException e) {
                throw new UncheckedIOException("reading the request body failed", e);
            }
        }
        if (body.length > MAX_BYTES) {
            throw new ProblemException(Problem.tooLarge(MAX_BYTES));
        }
        if (isBlank(body)) {
            throw new ProblemException(Problem.badBody("is required: a JSON object"));
        }
        OptionalInt malformed = firstMalformedUtf8(body);
        if (malformed.isPresent()) {
            throw new ProblemException(Problem.badBody("is not UTF-8, as JSON must be: the byte at offset "
                    + malformed.getAsInt() + " (" + String.format("0x%02X", body[malformed.getAsInt()])
                    + ") is not part of a valid UTF-8 sequence"));
        }
        return body;
    }

    /**
     * Where {@code body} stops being UTF-8, checked strictly before Jackson sees it. Jackson 2.21's byte reader takes
     * overlong forms ({@code C0 AF} and {@code E0 80 AF} become {@code /}, so {@code "/\xC0\xAF"} was stored as
     * {@code "//"}) and turns code points above U+10FFFF into lone surrogates; the JDK's decoder refuses both, encoded
     * surrogates and truncated sequences.
     */
    private static OptionalInt firstMalformedUtf8(byte[] body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(4096);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return OptionalInt.of(in.position());
            }
            if (result.isUnderflow()) {
                return OptionalInt.empty();
            }
            out.clear();
        }
    }

    /**
     * {@code application/json} or any {@code application/*+json}. JSON is UTF-8 (RFC 8259), so a charset parameter, if
     * given, must say so: a body declared as Latin-1 would be misread.
     */
    static boolean isJson(String contentType) {
        HttpMediaType type;
        try {
            type = HttpMediaType.create(contentType);
        } catch (RuntimeException e) {
            return false;
        }
        String subtype = type.subtype().toLowerCase(Locale.ROOT);
        boolean json = type.type().equalsIgnoreCase("application")
                && (subtype.equals("json") || subtype.endsWith("+json"));
        return json && type.charset().map(c -> c.equalsIgnoreCase("utf-8")).orElse(true);
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
