package dev.portico.admin;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/** Takes the bytes of a JSON request body, refusing what is not JSON, too large, or absent. */
final class RequestBody {
    /** Far above any real configuration, and low enough that a runaway script cannot fill the heap. */
    static final int MAX_BYTES = 1024 * 1024;

    private RequestBody() {
    }

    static Decoded<byte[]> read(ServerRequest request) {
        Optional<String> contentType = request.headers().first(HeaderNames.CONTENT_TYPE);
        if (contentType.isPresent() && !isJson(contentType.get())) {
            return new Decoded.Refused<>(Problem.unsupportedMediaType(contentType.get()));
        }
        // Refuse a declared oversize body before reading any of it.
        OptionalLong declared = request.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > MAX_BYTES) {
            return new Decoded.Refused<>(Problem.tooLarge(MAX_BYTES));
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
            return new Decoded.Refused<>(Problem.tooLarge(MAX_BYTES));
        }
        if (isBlank(body)) {
            return new Decoded.Refused<>(Problem.badBody("is required: a JSON object"));
        }
        return new Decoded.Ok<>(body);
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
