package dev.portico.http.http2;

import dev.portico.http.forward.ClientResponse;
import dev.portico.http.forward.HeaderRules;
import dev.portico.http.upstream.UpstreamResponse;
import dev.portico.http.wire.ResponseHead;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.UnaryOperator;

/** An upstream's response through Helidon's, to an HTTP/2 client: Helidon frames headers and body. */
public final class Http2Response implements ClientResponse {
    private final UpstreamResponse upstream;
    private final ServerResponse client;
    private final UnaryOperator<String> rewriteLocation;
    private OutputStream out;

    public Http2Response(UpstreamResponse upstream, ServerResponse client, UnaryOperator<String> rewriteLocation) {
        this.upstream = upstream;
        this.client = client;
        this.rewriteLocation = rewriteLocation;
    }

    @Override
    public void prepare() {
        ResponseHead head = upstream.head();
        int code = head.code();
        // status first: Helidon refuses to switch to 204/304 once a Content-Length is set
        client.status(head.status());
        ServerResponseHeaders headers = client.headers();
        for (int i = 0; i < head.count(); i++) {
            switch (head.kind(i)) {
                case PASS, DATE, STRICT_TRANSPORT_SECURITY ->
                        headers.add(HeaderValues.create(HeaderNames.create(head.name(i)), head.value(i)));
                case LOCATION -> {
                    if (i == head.location()) {
                        headers.set(HeaderNames.LOCATION, rewriteLocation.apply(head.value(i)));
                    }
                }
                default -> {
                    // hop-by-hop, framing, Server and Via: Portico writes its own
                }
            }
        }
        headers.set(HeaderRules.SERVER);
        String via = head.joined(ResponseHead.Kind.VIA);
        headers.set(HeaderNames.VIA, via == null ? HeaderRules.VIA : via + ", " + HeaderRules.VIA);
        long contentLength = upstream.body() == UpstreamResponse.BodyFraming.LENGTH ? upstream.length()
                : head.contentLength();
        // Helidon answers a Content-Length on a 204/205/304 with a 500 and writes its own
        if (contentLength >= 0 && code != 204 && code != 205 && code != 304) {
            headers.contentLength(contentLength);
        }
    }

    @Override
    public void begin(byte[] buffer, int offset, int length, boolean last, boolean roomAfter)
            throws IOException {
        if (last) {
            if (length == 0) {
                client.send();
            } else {
                client.send(buffer, offset, length);
            }
            return;
        }
        out = client.outputStream();
        piece(buffer, offset, length, false, roomAfter);
    }

    @Override
    public void piece(byte[] buffer, int offset, int length, boolean last, boolean roomAfter)
            throws IOException {
        out.write(buffer, offset, length);
        if (last) {
            out.close();
        } else {
            out.flush();
        }
    }

    @Override
    public void end() throws IOException {
        out.close();
    }
}
