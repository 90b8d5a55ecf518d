package dev.portico.http;

import io.helidon.http.Method;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast path's reader of request heads takes exactly the simple requests and leaves everything else, unread, to
 * Helidon's connection: a request it took wrongly would skip Helidon's validation, one it refused only costs speed.
 */
class RequestHeadTest {
    private static RequestHead read(String text) {
        return read(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static RequestHead read(byte[] bytes) {
        RequestHead head = new RequestHead(2048, 2048 + 16384);
        System.arraycopy(bytes, 0, head.room(bytes.length), 0, bytes.length);
        head.added(bytes.length);
        return head;
    }

    private static String endToEnd(RequestHead head) {
        HeadWriter out = new HeadWriter(16);
        head.writeEndToEnd(out);
        return new String(out.array(), 0, out.length(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsASimpleGet() {
        String text = "GET /a/b%20c?x=1&y=/z? HTTP/1.1\r\nHost: example.test:8080\r\nAccept: */*\r\n\r\nGET /next";
        RequestHead head = read(text);

        assertThat(head.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(head.length()).isEqualTo(text.indexOf("GET /next"));
        assertThat(head.method()).isEqualTo(Method.GET);
        assertThat(head.rawPath()).isEqualTo("/a/b%20c");
        assertThat(head.rawQuery()).isEqualTo("?x=1&y=/z?");
        assertThat(head.host()).isEqualTo("example.test:8080");
        assertThat(head.close()).isFalse();
        assertThat(endToEnd(head)).isEqualTo("Accept: */*\r\n");
    }

    @Test
    void reusesTheHostAndPathOfThePreviousRequestWhenTheyAreTheSame() {
        RequestHead head = read("GET /p HTTP/1.1\r\nHost: h\r\n\r\n");
        head.parse();
        String host = head.host();
        String path = head.rawPath();
        head.clear();
        byte[] again = "HEAD /p HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(again, 0, head.room(again.length), 0, again.length);
        head.added(again.length);

        assertThat(head.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(head.method()).isEqualTo(Method.HEAD);
        assertThat(head.host()).isSameAs(host);
        assertThat(head.rawPath()).isSameAs(path);
    }

    @Test
    void waitsForTheRestOfAHead() {
        assertThat(read("GET / HTTP/1.1\r\nHost: h\r\n").parse()).isEqualTo(RequestHead.Parse.INCOMPLETE);
        assertThat(read("GET / HTTP/1.1\r\nHost: h\r\n\r").parse()).isEqualTo(RequestHead.Parse.INCOMPLETE);
        assertThat(read("GET / HT").parse()).isEqualTo(RequestHead.Parse.INCOMPLETE);
    }

    @Test
    void keepsTheClientsLinesAsTheyCameAndDropsHopByHopOnes() {
        RequestHead head = read("GET / HTTP/1.1\r\nhost: h\r\nx-lower: a\r\nX-Spaced:   b  \r\nKeep-Alive: 5\r\n"
                + "TE: trailers\r\nConnection: keep-alive, Close\r\nProxy-Authorization: x\r\nX-Tab:\tc\r\n"
                + "Cookie: caf\u00e9=\u00e9t\u00e9\r\nX-Helidon-Cn: spoofed\r\nX-Empty:\r\n\r\n");

        assertThat(head.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(head.close()).isTrue();
        assertThat(endToEnd(head)).isEqualTo("x-lower: a\r\nX-Spaced: b\r\nX-Tab: c\r\n"
                + "Cookie: caf\u00e9=\u00e9t\u00e9\r\nX-Empty: \r\n");
    }

    @Test
    void readsTheHeadersTheForwardingAppendsTo() {
        RequestHead head = read("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 10.0.0.1, 10.0.0.2\r\n"
                + "x-forwarded-proto: https\r\nX-Forwarded-Host: outer.test\r\nVia: 1.1 edge\r\n\r\n");

        assertThat(head.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(head.forwarding(RequestHead.X_FORWARDED_FOR_VALUE)).isEqualTo("10.0.0.1, 10.0.0.2");
        assertThat(head.forwarding(RequestHead.X_FORWARDED_PROTO_VALUE)).isEqualTo("https");
        assertThat(head.forwarding(RequestHead.X_FORWARDED_HOST_VALUE)).isEqualTo("outer.test");
        assertThat(head.forwarding(RequestHead.VIA_VALUE)).isEqualTo("1.1 edge");
        assertThat(endToEnd(head)).isEmpty();
    }

    @Test
    void knowsTheCommonMethods() {
        for (Method method : new Method[] {Method.GET, Method.HEAD, Method.POST, Method.PUT, Method.DELETE,
                Method.OPTIONS, Method.PATCH}) {
            RequestHead head = read(method.text() + " / HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(head.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
            assertThat(head.method()).isEqualTo(method);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // a body, however framed, an expectation or an upgrade: Helidon's connection handles them
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n",
            "PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n",
            // a Connection naming headers to drop, or repeated headers the forwarding joins
            "GET / HTTP/1.1\r\nHost: h\r\nConnection: X-Secret\r\nX-Secret: 1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2.2.2.2\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nVia: 1.1 a\r\nvia: 1.1 b\r\n\r\n",
            // Host missing, repeated, empty, or not a plain name and port
            "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: \r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h:\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h:80x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: user@h\r\n\r\n",
            // line ends other than CRLF, folded lines, space before the colon, control characters
            "GET / HTTP/1.1\nHost: h\n\n",
            "GET / HTTP/1.1\r\nHost: h\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\rX-B: 2\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n folded\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nX-A : 1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\u0000\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\u007f\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\n: empty name\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nX(A): 1\r\n\r\n",
            // request lines the fast path does not take
            "GET / HTTP/1.0\r\nHost: h\r\n\r\n",
            "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",
            "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
            "get / HTTP/1.1\r\nHost: h\r\n\r\n",
            "TRACE / HTTP/1.1\r\nHost: h\r\n\r\n",
            "CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /a#frag HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /a%2 HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /a|b HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /a?b=\"c\" HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /caf\u00e9 HTTP/1.1\r\nHost: h\r\n\r\n",
            "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
    })
    void leavesEverythingElseToHelidon(String text) {
        assertThat(read(text).parse()).isEqualTo(RequestHead.Parse.OTHER);
    }

    @Test
    void leavesRequestsOverTheListenersLimitsToHelidon() {
        // a request line longer than the listener takes, complete or not
        RequestHead longLine = new RequestHead(64, 1024);
        byte[] line = ("GET /" + "a".repeat(100) + " HTTP/1.1\r\nHost: h\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(line, 0, longLine.room(line.length), 0, line.length);
        longLine.added(line.length);
        assertThat(longLine.parse()).isEqualTo(RequestHead.Parse.OTHER);

        RequestHead unfinished = new RequestHead(64, 1024);
        byte[] start = ("GET /" + "a".repeat(100)).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(start, 0, unfinished.room(start.length), 0, start.length);
        unfinished.added(start.length);
        assertThat(unfinished.parse()).isEqualTo(RequestHead.Parse.OTHER);

        // a head larger than the listener takes, complete or not
        String headers = "GET / HTTP/1.1\r\nHost: h\r\n" + "X-Filler: 0123456789\r\n".repeat(60);
        RequestHead large = new RequestHead(64, 1024);
        byte[] whole = (headers + "\r\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(whole, 0, large.room(whole.length), 0, whole.length);
        large.added(whole.length);
        assertThat(large.parse()).isEqualTo(RequestHead.Parse.OTHER);

        RequestHead largeUnfinished = new RequestHead(64, 1024);
        byte[] part = headers.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(part, 0, largeUnfinished.room(part.length), 0, part.length);
        largeUnfinished.added(part.length);
        assertThat(largeUnfinished.parse()).isEqualTo(RequestHead.Parse.OTHER);
    }

    @Test
    void leavesRequestsWithMoreHeaderLinesThanItKeepsToHelidon() {
        String many = "GET / HTTP/1.1\r\nHost: h\r\n" + "X-N: 1\r\n".repeat(RequestHead.MAX_LINES);
        assertThat(read(many + "\r\n").parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(read(many + "X-N: 1\r\n\r\n").parse()).isEqualTo(RequestHead.Parse.OTHER);
    }
}
