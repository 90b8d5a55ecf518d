package dev.portico.http;

import io.helidon.http.Headers;
import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.http.encoding.ContentEncodingContextConfig;

/**
 * Content codings are end-to-end: a proxy forwards gzip bytes as gzip bytes. Helidon's listener either decodes a
 * request body it has a decoder for, or, with decoding disabled and header validation on, rejects any request that
 * carries Content-Encoding with a 400. This context claims to decode every coding with the identity decoder, so
 * bodies pass untouched while header validation stays on; it never encodes responses (Helidon would otherwise gzip
 * an upstream's response whenever a gzip encoder is on the classpath).
 */
final class PassThroughContentCoding implements ContentEncodingContext {
    static final PassThroughContentCoding INSTANCE = new PassThroughContentCoding();

    private static final ContentEncodingContextConfig NO_CODINGS = ContentEncodingContextConfig.builder()
            .contentEncodingsDiscoverServices(false)
            .buildPrototype();

    private PassThroughContentCoding() {
    }

    @Override
    public boolean contentEncodingEnabled() {
        return false;
    }

    @Override
    public boolean contentDecodingEnabled() {
        return true;
    }

    @Override
    public boolean contentEncodingSupported(String encodingId) {
        return false;
    }

    @Override
    public boolean contentDecodingSupported(String encodingId) {
        return true;
    }

    @Override
    public ContentEncoder encoder(String encodingId) {
        return ContentEncoder.NO_OP;
    }

    @Override
    public ContentDecoder decoder(String encodingId) {
        return ContentDecoder.NO_OP;
    }

    @Override
    public ContentEncoder encoder(Headers headers) {
        return ContentEncoder.NO_OP;
    }

    @Override
    public ContentEncodingContextConfig prototype() {
        return NO_CODINGS;
    }
}
