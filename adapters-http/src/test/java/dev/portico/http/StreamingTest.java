package dev.portico.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.portico.http.ProxyServer.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies far larger than the heap (the module's tests run with -Xmx256m, shared by the proxy, the upstream and the
 * client) pass through in both directions, byte for byte, keeping their framing.
 */
class StreamingTest {
    private static final long ONE_GIB = 1L << 30;
    private static final long SIXTY_FOUR_MIB = 64L << 20;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static WebServer upstream;
    private static ProxyServer proxy;

    @BeforeAll
    static void start() {
        upstream = WebServer.builder()
                .shutdownHook(false)
                .host("127.0.0.1")
                .port(0)
                .routing(routing -> routing
                        .post("/upload", StreamingTest::digestUpload)
                        .get("/download", StreamingTest::streamDownload))
                .build()
                .start();
        proxy = ProxyServer.start(everythingTo("http://127.0.0.1:" + upstream.port()));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        upstream.stop();
    }

    @Test
    void uploadsOneGibibyteWithItsContentLength() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(proxy.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new Pattern(ONE_GIB)), ONE_GIB))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(ONE_GIB + " bytes, sha-256 " + Pattern.sha256(ONE_GIB));
        assertThat(response.headers().firstValue("X-Request-Framing")).hasValue("length " + ONE_GIB);
    }

    @Test
    void downloadsOneGibibyteWithItsContentLength() throws Exception {
        HttpResponse<InputStream> response = CLIENT.send(HttpRequest.newBuilder(
                proxy.uri("/download?size=" + ONE_GIB)).build(), HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).hasValue(String.valueOf(ONE_GIB));
        assertThat(digest(response.body())).isEqualTo(ONE_GIB + " bytes, sha-256 " + Pattern.sha256(ONE_GIB));
    }

    @Test
    void uploadsAChunkedBodyChunked() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(proxy.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Pattern(SIXTY_FOUR_MIB)))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo(SIXTY_FOUR_MIB + " bytes, sha-256 " + Pattern.sha256(SIXTY_FOUR_MIB));
        assertThat(response.headers().firstValue("X-Request-Framing")).hasValue("chunked");
    }

    @Test
    void downloadsAChunkedBodyChunked() throws Exception {
        HttpResponse<InputStream> response = CLIENT.send(HttpRequest.newBuilder(
                proxy.uri("/download?size=" + SIXTY_FOUR_MIB + "&chunked")).build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        assertThat(digest(response.body())).isEqualTo(SIXTY_FOUR_MIB + " bytes, sha-256 "
                + Pattern.sha256(SIXTY_FOUR_MIB));
    }

    @Test
    void relaysEachPieceOfAStreamedResponseAsItArrives() throws Exception {
        CountDownLatch firstEventSeen = new CountDownLatch(1);
        try (RawUpstream events = RawUpstream.start((request, conversation) -> {
            conversation.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nd\r\ndata: first\n\n\r\n");
            conversation.out().flush();
            // the second event only exists once the client has seen the first: a proxy that holds back fails here
            awaitOrFail(firstEventSeen);
            conversation.write("e\r\ndata: second\n\n\r\n0\r\n\r\n");
        });
             ProxyServer eventProxy = ProxyServer.start(everythingTo(events.url()));
             RawClient client = RawClient.connect(eventProxy.port())) {

            client.send("GET /events HTTP/1.1", "Host: example.test", "Accept: text/event-stream");
            RawClient.RawResponse head = client.readHead();
            String first = client.readChunk();
            firstEventSeen.countDown();

            assertThat(head.header("Content-Type")).isEqualTo("text/event-stream");
            assertThat(first).isEqualTo("data: first\n\n");
            assertThat(client.readChunk()).isEqualTo("data: second\n\n");
            assertThat(client.readChunk()).isEmpty();
        }
    }

    @Test
    void forwardsEachPieceOfAStreamedRequestBodyAsItArrives() throws Exception {
        CountDownLatch firstPieceReceived = new CountDownLatch(1);
        WebServer receiver = WebServer.builder().shutdownHook(false).host("127.0.0.1").port(0)
                .routing(routing -> routing.post("/ingest", (request, response) -> {
                    InputStream body = request.content().inputStream();
                    byte[] first = new byte[5];
                    int read = body.readNBytes(first, 0, 5);
                    firstPieceReceived.countDown();
                    response.send(new String(first, 0, read) + "+" + new String(body.readAllBytes()));
                }))
                .build().start();
        try (ProxyServer ingestProxy = ProxyServer.start(everythingTo("http://127.0.0.1:" + receiver.port()));
             RawClient client = RawClient.connect(ingestProxy.port())) {

            client.send("POST /ingest HTTP/1.1", "Host: example.test", "Transfer-Encoding: chunked")
                    .sendText("5\r\nfirst\r\n");
            // the rest is sent only once the upstream has the first piece: a proxy that holds back fails here
            awaitOrFail(firstPieceReceived);
            RawClient.RawResponse response = client.sendText("4\r\nrest\r\n0\r\n\r\n").read("POST");

            assertThat(response.bodyText()).isEqualTo("first+rest");
        } finally {
            receiver.stop();
        }
    }

    private static void awaitOrFail(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the other side never received the first piece");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The upstream reads the body as a stream and answers with its length and digest. */
    private static void digestUpload(ServerRequest request, ServerResponse response) {
        String framing = request.headers().contains(HeaderNames.TRANSFER_ENCODING) ? "chunked"
                : "length " + request.headers().contentLength().orElse(-1);
        String digest = digest(request.content().inputStream());
        response.header("X-Request-Framing", framing).send(digest);
    }

    /** The upstream writes the pattern as a stream: with a Content-Length unless asked for chunks. */
    private static void streamDownload(ServerRequest request, ServerResponse response) throws IOException {
        long size = Long.parseLong(request.query().get("size"));
        if (!request.query().contains("chunked")) {
            response.header(HeaderNames.CONTENT_LENGTH, String.valueOf(size));
        }
        try (OutputStream out = response.outputStream(); InputStream in = new Pattern(size)) {
            in.transferTo(out);
        }
    }

    private static String digest(InputStream in) {
        try (in) {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = in.read(buffer)) >= 0) {
                sha256.update(buffer, 0, read);
                total += read;
            }
            return total + " bytes, sha-256 " + HexFormat.of().formatHex(sha256.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A deterministic stream of pseudo-random bytes; its period (a prime number of bytes) matches no buffer size,
     * so a lost, repeated or reordered block changes the digest.
     */
    static final class Pattern extends InputStream {
        private static final byte[] BLOCK = new byte[1_000_003];

        static {
            new SplittableRandom(20_261_124).nextBytes(BLOCK);
        }

        private final long size;
        private long position;

        Pattern(long size) {
            this.size = size;
        }

        static String sha256(long size) {
            String digest = digest(new Pattern(size));
            return digest.substring(digest.lastIndexOf(' ') + 1);
        }

        @Override
        public int read() {
            if (position >= size) {
                return -1;
            }
            return BLOCK[(int) (position++ % BLOCK.length)] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) {
            if (position >= size) {
                return -1;
            }
            int start = (int) (position % BLOCK.length);
            int count = (int) Math.min(Math.min(length, size - position), BLOCK.length - start);
            System.arraycopy(BLOCK, start, bytes, offset, count);
            position += count;
            return count;
        }
    }
}
