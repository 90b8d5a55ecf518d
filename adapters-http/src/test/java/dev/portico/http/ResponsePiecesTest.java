package dev.portico.http;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.portico.http.ProxyServer.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A response reaches the client whole and framed right however the upstream's bytes are cut into reads: the proxy
 * parses the head where it was read and writes the body from the same buffer, with the client's head in front of it.
 */
class ResponsePiecesTest {

    /** Writes each piece as its own segment, with a pause between them, so that each arrives in a read of its own. */
    private static void inPieces(RawUpstream.Conversation conversation, String... pieces) throws IOException {
        OutputStream out = conversation.out();
        for (String piece : pieces) {
            out.write(piece.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(30);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String[] bytes(String text) {
        return text.chars().mapToObj(c -> String.valueOf((char) c)).toArray(String[]::new);
    }

    @Test
    void parsesAHeadThatArrivesAByteAtATime() throws Exception {
        String head = "HTTP/1.1 201 Created\r\nX-First: one\r\nContent-Length: 5\r\nX-Last: two\r\n\r\n";
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            OutputStream out = conversation.out();
            for (byte b : head.getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
            }
            inPieces(conversation, "hello");
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 201 Created");
            assertThat(response.header("X-First")).isEqualTo("one");
            assertThat(response.header("X-Last")).isEqualTo("two");
            assertThat(response.bodyText()).isEqualTo("hello");
        }
    }

    @Test
    void keepsTheHeadWhenTheBodyArrivesAfterIt() throws Exception {
        byte[] large = new byte[100_000];
        Arrays.fill(large, (byte) 'z');
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            boolean big = request.target().equals("/large");
            inPieces(conversation, "HTTP/1.1 200 OK\r\nX-Marker: " + "m".repeat(2000) + "\r\nContent-Length: "
                    + (big ? large.length : 5) + "\r\n\r\n");
            if (big) {
                conversation.out().write(large);
            } else {
                conversation.write("later");
            }
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse small = client.send("GET /small HTTP/1.1", "Host: example.test").read("GET");
            RawClient.RawResponse big = client.send("GET /large HTTP/1.1", "Host: example.test").read("GET");

            assertThat(small.header("X-Marker")).isEqualTo("m".repeat(2000));
            assertThat(small.bodyText()).isEqualTo("later");
            assertThat(big.header("X-Marker")).isEqualTo("m".repeat(2000));
            assertThat(big.body()).isEqualTo(large);
        }
    }

    @Test
    void reframesChunksHoweverTheirFramingIsCutIntoReads() throws Exception {
        String body = "5\r\nhello\r\n3;name=value\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: t\r\n\r\n";
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            conversation.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            conversation.out().flush();
            switch (request.target()) {
                case "/bytes" -> inPieces(conversation, bytes(body));
                // the chunk's CRLF split after its CR; then the last chunk alone
                case "/split" -> inPieces(conversation, "5\r\nhello\r", "\n0\r\n\r\n");
                default -> inPieces(conversation, "5\r\nhello\r\n", "3\r\nabc\r\n0\r\n\r\n");
            }
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse byteByByte = client.send("GET /bytes HTTP/1.1", "Host: example.test").read("GET");
            RawClient.RawResponse split = client.send("GET /split HTTP/1.1", "Host: example.test").read("GET");
            RawClient.RawResponse twoReads = client.send("GET /two HTTP/1.1", "Host: example.test").read("GET");

            assertThat(byteByByte.chunked()).isTrue();
            assertThat(byteByByte.bodyText()).isEqualTo("helloabc0123456789abcdef");
            assertThat(split.bodyText()).isEqualTo("hello");
            assertThat(twoReads.bodyText()).isEqualTo("helloabc");
            // every body was read to its end: the upstream connection was reused throughout
            assertThat(upstream.acceptedConnections()).isEqualTo(1);
        }
    }

    @Test
    void sendsAChunkWithItsEndBeforeTheNextOneArrives() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> inPieces(conversation,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\none\r\n", "3\r\ntwo\r\n", "0\r\n\r\n"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("GET / HTTP/1.1", "Host: example.test").readHead();

            assertThat(client.readChunk()).isEqualTo("one");
            assertThat(client.readChunk()).isEqualTo("two");
            assertThat(client.readChunk()).isEmpty();
        }
    }

    @Test
    void writesTheHeadApartWhenItOutgrowsTheRoomBeforeTheBody() throws Exception {
        // the Location is rewritten to the Host the client used, which makes the client's head far longer than the
        // upstream's: it no longer fits in front of the body in the buffer
        StringBuilder host = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            host.append("l").append(i).append("-").append("x".repeat(50)).append('.');
        }
        host.append("example");
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.write(
                "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:" + conversation.localPort() + "/next\r\n"
                        + "Content-Length: 4\r\n\r\nmove"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: " + host).read("GET");

            assertThat(response.status()).isEqualTo(302);
            assertThat(response.header("Location")).isEqualTo("http://" + host + "/next");
            assertThat(response.bodyText()).isEqualTo("move");
        }
    }

    @Test
    void passesManyHeaderLinesInTheirOrder() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            lines.add("X-Header-" + i + ": value " + i);
        }
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok", lines.toArray(String[]::new)));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            List<String> received = response.headers().stream().filter(h -> h[0].startsWith("X-Header-"))
                    .map(h -> h[0] + ": " + h[1]).toList();
            assertThat(received).isEqualTo(lines);
            assertThat(response.bodyText()).isEqualTo("ok");
        }
    }

    @Test
    void tellsAHeadRequestThatTheBodyWouldComeChunked() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            if (request.method().equals("HEAD")) {
                conversation.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            } else {
                conversation.send(200, "next");
            }
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse head = client.send("HEAD / HTTP/1.1", "Host: example.test").read("HEAD");
            RawClient.RawResponse next = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(head.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(head.header("Content-Length")).isNull();
            assertThat(next.bodyText()).isEqualTo("next");
        }
    }

    @Test
    void sendsNoContentLengthWithANoContent() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) ->
                conversation.write("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("DELETE /x HTTP/1.1", "Host: example.test").read("DELETE");

            assertThat(response.status()).isEqualTo(204);
            assertThat(response.header("Content-Length")).isNull();
            assertThat(response.header("Transfer-Encoding")).isNull();
        }
    }

    @Test
    void passesTheReasonPhraseAndKeepsTheOneOfAStatusWithout() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.write(
                request.target().equals("/custom") ? "HTTP/1.1 299 Fine Indeed\r\nContent-Length: 0\r\n\r\n"
                        : "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse custom = client.send("GET /custom HTTP/1.1", "Host: example.test").read("GET");
            RawClient.RawResponse none = client.send("GET /none HTTP/1.1", "Host: example.test").read("GET");

            assertThat(custom.statusLine()).isEqualTo("HTTP/1.1 299 Fine Indeed");
            assertThat(none.statusLine()).isEqualTo("HTTP/1.1 404 Not Found");
        }
    }

    @Test
    void answers502AtOnceToWhatDoesNotStartWithAStatusLineAndNeverEnds() throws Exception {
        assertRefusedAtOnce((request, conversation) -> {
            conversation.write("x".repeat(300));
            conversation.hang();
        });
    }

    @Test
    void answers502AtOnceToAHeaderSectionLargerThanTheLimitThatNeverEnds() throws Exception {
        assertRefusedAtOnce((request, conversation) -> {
            conversation.write("HTTP/1.1 200 OK\r\n");
            for (int i = 0; i < 400; i++) {
                conversation.write("X-Filler-" + i + ": " + "f".repeat(40) + "\r\n");
            }
            conversation.hang();
        });
    }

    /** A 502 as soon as what arrived cannot become a response head, not at the route's timeout (a minute). */
    private static void assertRefusedAtOnce(RawUpstream.Responder responder) throws Exception {
        try (RawUpstream upstream = RawUpstream.start(responder);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(proxy.port())) {
            long started = System.nanoTime();

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.bodyText()).contains("sent a response that cannot be forwarded");
            assertThat(System.nanoTime() - started).isLessThan(java.time.Duration.ofSeconds(5).toNanos());
        }
    }

    @Test
    void answers502ToACompleteHeaderSectionLargerThanTheLimit() throws Exception {
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n");
        for (int i = 0; i < 400; i++) {
            head.append("X-Filler-").append(i).append(": ").append("f".repeat(40)).append("\r\n");
        }
        try (RawUpstream upstream = RawUpstream.start((request, conversation) ->
                conversation.write(head + "\r\nok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(response.status()).isEqualTo(502);
        }
    }
}
