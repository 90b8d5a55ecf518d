package dev.portico.http.wire;

import io.helidon.http.Method;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy's reader of request heads: whatever it takes has exactly one meaning, and whatever could be read two ways
 * (by Portico and by the server behind it) is refused with the status that says why.
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

    @Test
    void readsTheFramingOfABody() {
        RequestHead length = read("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(length.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(length.contentLength()).isEqualTo(5);
        assertThat(length.chunked()).isFalse();
        assertThat(length.hasBody()).isTrue();

        RequestHead empty = read("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
        assertThat(empty.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(empty.hasBody()).isFalse();

        RequestHead chunked = read("POST / HTTP/1.1\r\nHost: h\r\ntransfer-encoding: Chunked\r\n\r\n0\r\n\r\n");
        assertThat(chunked.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(chunked.chunked()).isTrue();
        assertThat(chunked.contentLength()).isEqualTo(-1);
        assertThat(endToEnd(chunked)).isEmpty();
    }

    @Test
    void readsAnExpectationAndAWebSocketUpgradeAndDropsBoth() {
        RequestHead expect = read("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n");
        assertThat(expect.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(expect.expectsContinue()).isTrue();

        RequestHead upgrade = read("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
                + "Sec-WebSocket-Key: k\r\n\r\n");
        assertThat(upgrade.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(upgrade.upgradesToWebSocket()).isTrue();
        assertThat(endToEnd(upgrade)).isEqualTo("Sec-WebSocket-Key: k\r\n");

        // h2c is not taken: the request is served as HTTP/1.1, its upgrade headers dropped as hop-by-hop
        RequestHead h2c = read("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n"
                + "Connection: Upgrade, HTTP2-Settings\r\n\r\n");
        assertThat(h2c.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(h2c.upgradesToWebSocket()).isFalse();
        assertThat(endToEnd(h2c)).isEmpty();
    }

    @Test
    void dropsTheHeadersConnectionNamesAndJoinsRepeatedForwardingHeaders() {
        RequestHead head = read("GET / HTTP/1.1\r\nHost: h\r\nConnection: X-Secret\r\nx-secret: 1\r\nX-Kept: 2\r\n"
                + "X-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2.2.2.2\r\nVia: 1.1 a\r\nvia: 1.1 b\r\n\r\n");

        assertThat(head.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(endToEnd(head)).isEqualTo("X-Kept: 2\r\n");
        assertThat(head.forwarding(RequestHead.X_FORWARDED_FOR_VALUE)).isEqualTo("1.1.1.1, 2.2.2.2");
        assertThat(head.forwarding(RequestHead.VIA_VALUE)).isEqualTo("1.1 a, 1.1 b");
    }

    @Test
    void closesAfterARequestThatListsCloseAnywhereInConnection() {
        RequestHead head = read("GET / HTTP/1.1\r\nHost: h\r\nConnection: close, X-Forwarded-For\r\n\r\n");
        assertThat(head.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(head.close()).isTrue();
    }

    @Test
    void takesHttp10WithoutHostAndKeepsItsConnectionOnlyWhenAsked() {
        RequestHead plain = read("GET /x HTTP/1.0\r\n\r\n");
        assertThat(plain.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(plain.http10()).isTrue();
        assertThat(plain.host()).isNull();
        assertThat(plain.close()).isTrue();

        RequestHead kept = read("GET /x HTTP/1.0\r\nHost: h\r\nConnection: Keep-Alive\r\n\r\n");
        assertThat(kept.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(kept.host()).isEqualTo("h");
        assertThat(kept.close()).isFalse();

        // a higher minor version is read as the highest this server speaks
        RequestHead later = read("GET /x HTTP/1.7\r\nHost: h\r\n\r\n");
        assertThat(later.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(later.http10()).isFalse();
    }

    @Test
    void routesAnAbsoluteFormTargetByItsAuthority() {
        RequestHead head = read("GET HTTP://api.test:8080/a?b=1 HTTP/1.1\r\nHost: other.test\r\n\r\n");
        assertThat(head.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(head.host()).isEqualTo("api.test:8080");
        assertThat(head.rawPath()).isEqualTo("/a");
        assertThat(head.rawQuery()).isEqualTo("?b=1");

        RequestHead bare = read("GET https://[::1]:8443?q HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(bare.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(bare.host()).isEqualTo("[::1]:8443");
        assertThat(bare.rawPath()).isEqualTo("/");
        assertThat(bare.rawQuery()).isEqualTo("?q");
    }

    @Test
    void ignoresEmptyLinesBeforeTheRequestLineAndTakesAnyUpperCaseMethod() {
        RequestHead head = read("\r\n\r\nPROPFIND /dav HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n");
        assertThat(head.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(head.method().text()).isEqualTo("PROPFIND");
        assertThat(head.host()).isEqualTo("[::1]:8080");
    }

    @Test
    void looksUpHeadersAndCookiesForTheHashPolicy() {
        RequestHead head = read("GET / HTTP/1.1\r\nHost: h\r\nX-User: alice\r\nCookie: a=1; session=s2 ;c=3\r\n"
                + "cookie: d=4\r\n\r\n");
        assertThat(head.parse()).isEqualTo(RequestHead.Parse.COMPLETE);
        assertThat(head.header("x-user")).isEqualTo("alice");
        assertThat(head.header("X-Other")).isNull();
        assertThat(head.cookie("session")).isEqualTo("s2");
        assertThat(head.cookie("d")).isEqualTo("4");
        assertThat(head.cookie("sess")).isNull();
    }

    static Stream<Arguments> refusedRequests() {
        return Stream.of(
                // Host missing, repeated, empty or not a name and port
                refused("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
                refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                refused("GET / HTTP/1.1\r\nHost: \r\n\r\n", 400),
                refused("GET / HTTP/1.1\r\nHost: h:\r\n\r\n", 400),
                refused("GET / HTTP/1.1\r\nHost: h:80x\r\n\r\n", 400),
                refused("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
                refused("GET / HTTP/1.1\r\nHost: user@h\r\n\r\n", 400),
                // line ends other than CRLF, folded lines, space before the colon, control characters
                refused("GET / HTTP/1.1\nHost: h\n\n", 400),
                refused("GET / HTTP/1.1\r\nHost: h\n\r\n", 400),
                refused("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\rX-B: 2\r\n\r\n", 400),
                refused("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n folded\r\n\r\n", 400),
                refused("GET / HTTP/1.1\r\nHost: h\r\nX-A : 1\r\n\r\n", 400),
                refused("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\u0000\r\n\r\n", 400),
                refused("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\u007f\r\n\r\n", 400),
                refused("GET / HTTP/1.1\r\nHost: h\r\n: empty name\r\n\r\n", 400),
                refused("GET / HTTP/1.1\r\nHost: h\r\nX(A): 1\r\n\r\n", 400),
                // body framing that could be read two ways
                refused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
                refused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 400),
                refused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n", 400),
                refused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", 400),
                refused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x5\r\n\r\n", 400),
                refused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", 400),
                refused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
                refused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
                refused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
                refused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, identity\r\n\r\n", 501),
                refused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n", 501),
                refused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\u000b\r\n\r\n", 400),
                refused("PUT / HTTP/1.1\r\nHost: h\r\nExpect: the-impossible\r\n\r\n", 417),
                // request lines
                refused("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400),
                refused("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("get / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("GeT / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("GET ftp://h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("GET http://user@h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("GET /a#frag HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("GET /a%2 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("GET /a|b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("GET /a?b=\"c\" HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("GET /caf\u00e9 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                refused("GET /x\r\n\r\n", 400),
                refused("GET / HTTP/11\r\nHost: h\r\n\r\n", 400),
                refused("GET / HTTP/1.1x\r\nHost: h\r\n\r\n", 400),
                refused("GET / http/1.1\r\nHost: h\r\n\r\n", 400),
                refused("GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505),
                refused("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
                refused("GET / HTTP/3.0\r\nHost: h\r\n\r\n", 505));
    }

    private static Arguments refused(String request, int status) {
        return Arguments.of(request, status);
    }

    @ParameterizedTest
    @MethodSource("refusedRequests")
    void refusesWhatCouldBeReadTwoWaysWithTheStatusThatSaysWhy(String text, int status) {
        RequestHead head = read(text);
        assertThat(head.parse()).isEqualTo(RequestHead.Parse.REFUSED);
        assertThat(head.refusal().status().code()).isEqualTo(status);
    }

    @Test
    void refusesARequestLineOrHeadOverItsLimitWithoutWaitingForItsEnd() {
        RequestHead longLine = new RequestHead(64, 1024);
        byte[] start = ("GET /" + "a".repeat(100)).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(start, 0, longLine.room(start.length), 0, start.length);
        longLine.added(start.length);
        assertThat(longLine.parse()).isEqualTo(RequestHead.Parse.REFUSED);
        assertThat(longLine.refusal().status().code()).isEqualTo(414);

        String headers = "GET / HTTP/1.1\r\nHost: h\r\n" + "X-Filler: 0123456789\r\n".repeat(60);
        RequestHead large = new RequestHead(64, 1024);
        byte[] part = headers.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(part, 0, large.room(part.length), 0, part.length);
        large.added(part.length);
        assertThat(large.parse()).isEqualTo(RequestHead.Parse.REFUSED);
        assertThat(large.refusal().status().code()).isEqualTo(431);
    }

    @Test
    void resumesTheScanWhereItStoppedAsBytesArrive() {
        byte[] bytes = "GET /a HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        RequestHead head = new RequestHead(2048, 4096);
        for (int i = 0; i < bytes.length; i++) {
            head.room(1)[head.held()] = bytes[i];
            head.added(1);
            assertThat(head.parse()).isEqualTo(i == bytes.length - 1 ? RequestHead.Parse.COMPLETE
                    : RequestHead.Parse.INCOMPLETE);
        }
        assertThat(head.length()).isEqualTo(bytes.length);
        assertThat(endToEnd(head)).isEqualTo("X-A: 1\r\n");
    }
}
