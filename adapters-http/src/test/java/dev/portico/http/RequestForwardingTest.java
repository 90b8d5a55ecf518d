package dev.portico.http;

import dev.portico.domain.model.Route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static dev.portico.http.ProxyServer.everythingTo;
import static dev.portico.http.ProxyServer.route;
import static dev.portico.http.ProxyServer.routes;
import static dev.portico.http.ProxyServer.upstream;
import static org.assertj.core.api.Assertions.assertThat;

/** What the client sends reaches the upstream as sent, less what only concerned the client's connection. */
class RequestForwardingTest {

    /** Answers "ok", or for HEAD only the headers a GET would have. */
    private static final RawUpstream.Responder OK = (request, conversation) -> {
        if (request.method().equals("HEAD")) {
            conversation.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n");
        } else {
            conversation.send(200, "ok");
        }
    };

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    void forwardsEachMethodWithItsBody(String method) throws Exception {
        boolean withBody = !method.equals("GET") && !method.equals("HEAD");
        String body = "payload of " + method;
        try (RawUpstream upstream = RawUpstream.start(OK);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            if (withBody) {
                client.send(method + " /items/1 HTTP/1.1", "Host: example.test", "Content-Length: " + body.length())
                        .sendText(body);
            } else {
                client.send(method + " /items/1 HTTP/1.1", "Host: example.test");
            }
            RawClient.RawResponse response = client.read(method);

            RawUpstream.RecordedRequest received = upstream.takeRequest();
            assertThat(received.method()).isEqualTo(method);
            assertThat(received.target()).isEqualTo("/items/1");
            assertThat(received.bodyText()).isEqualTo(withBody ? body : "");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo(method.equals("HEAD") ? "" : "ok");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/a%2Fb/%7Euser?q=a%20b&x=%2F&y",
            "/a//b/c/d;v=1?z=1&a=2&z=3&plus=a+b&empty=&=x&dots=/../",
            "/caf%C3%A9/%e2%82%ac?",
            "/search?q=%3Cscript%3E&q=%26&sort=-date"})
    void forwardsThePathAndQueryExactlyAsTheClientSentThem(String target) throws Exception {
        try (RawUpstream upstream = RawUpstream.start(OK);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET " + target + " HTTP/1.1", "Host: example.test")
                    .read("GET");

            assertThat(response.status()).isEqualTo(200);
            assertThat(upstream.takeRequest().target()).isEqualTo(target);
        }
    }

    @Test
    void stripsTheRoutesPrefixAndPutsTheTargetsBasePathInFront() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(OK);
             ProxyServer proxy = ProxyServer.start(routes(upstream("api", upstream.url() + "/base"),
                     route("api", "/api/", "api", true, false, Route.DEFAULT_TIMEOUT)));
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("GET /api/v1/items%2F7?x=1 HTTP/1.1", "Host: example.test").read("GET");

            assertThat(upstream.takeRequest().target()).isEqualTo("/base/v1/items%2F7?x=1");
        }
    }

    @Test
    void sendsTheTargetsOwnHostByDefault() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(OK);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("GET / HTTP/1.1", "Host: shop.example.test").read("GET");

            assertThat(upstream.takeRequest().headers("Host")).containsExactly("127.0.0.1:" + upstream.port());
        }
    }

    @Test
    void sendsTheClientsHostWhenTheRoutePreservesIt() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(OK);
             ProxyServer proxy = ProxyServer.start(routes(upstream("app", upstream.url()),
                     route("all", "/", "app", false, true, Route.DEFAULT_TIMEOUT)));
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("GET / HTTP/1.1", "Host: shop.example.test:8080").read("GET");

            assertThat(upstream.takeRequest().headers("Host")).containsExactly("shop.example.test:8080");
        }
    }

    @Test
    void dropsHopByHopRequestHeadersAndThoseTheConnectionHeaderNames() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(OK);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("GET / HTTP/1.1", "Host: example.test",
                    "Connection: keep-alive, X-Private-Hop", "X-Private-Hop: secret",
                    "Keep-Alive: timeout=5", "Proxy-Authorization: Basic dXNlcjpwYXNz",
                    "Proxy-Connection: keep-alive", "TE: trailers", "Trailer: X-Checksum", "Upgrade: h2c",
                    "X-End-To-End: kept", "Authorization: Bearer kept").read("GET");

            RawUpstream.RecordedRequest received = upstream.takeRequest();
            assertThat(received.headerNames()).doesNotContain("x-private-hop", "keep-alive", "proxy-authorization",
                    "proxy-connection", "te", "trailer", "upgrade", "transfer-encoding");
            assertThat(received.headers("Connection")).allSatisfy(value ->
                    assertThat(value.toLowerCase()).doesNotContain("x-private-hop"));
            assertThat(received.header("X-End-To-End")).isEqualTo("kept");
            assertThat(received.header("Authorization")).isEqualTo("Bearer kept");
        }
    }

    @Test
    void dropsHopByHopResponseHeadersAndThoseTheConnectionHeaderNames() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok",
                "Connection: X-Internal", "X-Internal: secret", "Keep-Alive: timeout=5, max=100",
                "Proxy-Authenticate: Basic realm=\"upstream\"", "Trailer: X-Checksum", "Upgrade: h2c",
                "Proxy-Connection: keep-alive", "X-End-To-End: kept"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(response.headerNames()).doesNotContain("x-internal", "keep-alive", "proxy-authenticate",
                    "trailer", "upgrade", "proxy-connection");
            assertThat(response.headers("Connection")).allSatisfy(value ->
                    assertThat(value.toLowerCase()).doesNotContain("x-internal"));
            assertThat(response.header("X-End-To-End")).isEqualTo("kept");
            assertThat(response.bodyText()).isEqualTo("ok");
        }
    }

    @Test
    void replacesForwardingHeadersSentByAnUntrustedClient() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(OK);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("GET / HTTP/1.1", "Host: shop.example.test", "X-Forwarded-For: 203.0.113.9",
                    "X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example").read("GET");

            RawUpstream.RecordedRequest received = upstream.takeRequest();
            assertThat(received.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
            assertThat(received.headers("X-Forwarded-Proto")).containsExactly("http");
            assertThat(received.headers("X-Forwarded-Host")).containsExactly("shop.example.test");
        }
    }

    @Test
    void appendsToAndKeepsForwardingHeadersSentByATrustedProxy() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(OK);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()),
                     ProxySettings.fromTrustedProxies("10.0.0.0/8, 127.0.0.0/8, ::1"));
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("GET / HTTP/1.1", "Host: internal-lb:8080", "X-Forwarded-For: 203.0.113.9",
                    "X-Forwarded-For: 10.1.2.3", "X-Forwarded-Proto: https",
                    "X-Forwarded-Host: shop.example.test").read("GET");

            RawUpstream.RecordedRequest received = upstream.takeRequest();
            assertThat(received.headers("X-Forwarded-For")).containsExactly("203.0.113.9, 10.1.2.3, 127.0.0.1");
            assertThat(received.headers("X-Forwarded-Proto")).containsExactly("https");
            assertThat(received.headers("X-Forwarded-Host")).containsExactly("shop.example.test");
        }
    }

    @Test
    void fillsInForwardingHeadersATrustedProxyLeftOut() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(OK);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()),
                     ProxySettings.fromTrustedProxies("127.0.0.1"));
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("GET / HTTP/1.1", "Host: shop.example.test").read("GET");

            RawUpstream.RecordedRequest received = upstream.takeRequest();
            assertThat(received.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
            assertThat(received.headers("X-Forwarded-Proto")).containsExactly("http");
            assertThat(received.headers("X-Forwarded-Host")).containsExactly("shop.example.test");
        }
    }

    @Test
    void addsPorticoToTheRequestsVia() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(OK);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("GET /a HTTP/1.1", "Host: example.test").read("GET");
            client.send("GET /b HTTP/1.1", "Host: example.test", "Via: 1.1 edge").read("GET");

            assertThat(upstream.takeRequest().headers("Via")).containsExactly("1.1 portico");
            assertThat(upstream.takeRequest().headers("Via")).containsExactly("1.1 edge, 1.1 portico");
        }
    }

    @Test
    void addsNoUserAgentOrAcceptEncodingOfItsOwn() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(OK);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("GET /bare HTTP/1.1", "Host: example.test").read("GET");
            client.send("GET /curl HTTP/1.1", "Host: example.test", "User-Agent: curl/8.5.0").read("GET");

            RawUpstream.RecordedRequest bare = upstream.takeRequest();
            assertThat(bare.headerNames()).doesNotContain("user-agent", "accept-encoding", "cookie", "expect");
            assertThat(upstream.takeRequest().headers("User-Agent")).containsExactly("curl/8.5.0");
        }
    }

    @Test
    void passesAContentEncodedRequestBodyAsItIs() throws Exception {
        byte[] gzipped = {31, -117, 8, 0, 0, 0, 0, 0, 0, 3, 75, 76, 74, 6, 0, -62, 65, 36, 53, 3, 0, 0, 0};
        try (RawUpstream upstream = RawUpstream.start(OK);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("POST /upload HTTP/1.1", "Host: example.test",
                    "Content-Encoding: gzip", "Content-Length: " + gzipped.length).sendBytes(gzipped).read("POST");

            assertThat(response.status()).isEqualTo(200);
            RawUpstream.RecordedRequest received = upstream.takeRequest();
            assertThat(received.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(received.body()).isEqualTo(gzipped);
        }
    }

    @Test
    void passesNonAsciiFreeHeaderValuesAndCookiesUnchanged() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(OK);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("GET / HTTP/1.1", "Host: example.test", "Cookie: a=1; b=\"two words\"",
                    "X-Json: {\"k\": [1, 2]}", "Accept: text/html, */*;q=0.1").read("GET");

            RawUpstream.RecordedRequest received = upstream.takeRequest();
            assertThat(received.header("Cookie")).isEqualTo("a=1; b=\"two words\"");
            assertThat(received.header("X-Json")).isEqualTo("{\"k\": [1, 2]}");
            assertThat(received.header("Accept")).isEqualTo("text/html, */*;q=0.1");
            assertThat(new String(received.body(), StandardCharsets.UTF_8)).isEmpty();
        }
    }

    @Test
    void passesBytesAboveAsciiInHeaderValuesToTheUpstreamUnchanged() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(OK);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            // RawClient writes each char as one byte (ISO-8859-1): "caf\u00c3\u00a9" is "café" in UTF-8
            client.send("GET / HTTP/1.1", "Host: example.test", "X-Name: caf\u00c3\u00a9",
                    "Cookie: n=\u00e9t\u00e9", "X-Padded: \t a b \t", "X-Twice: one", "X-Twice: two").read("GET");

            RawUpstream.RecordedRequest received = upstream.takeRequest();
            assertThat(received.header("X-Name")).isEqualTo("caf\u00c3\u00a9");
            assertThat(received.header("Cookie")).isEqualTo("n=\u00e9t\u00e9");
            assertThat(received.header("X-Padded")).isEqualTo("a b");
            assertThat(String.join(", ", received.headers("X-Twice"))).isEqualTo("one, two");
        }
    }
}
