package dev.portico.http;

import dev.portico.domain.model.Route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.portico.http.ProxyServer.everythingTo;
import static dev.portico.http.ProxyServer.route;
import static dev.portico.http.ProxyServer.routes;
import static dev.portico.http.ProxyServer.upstream;
import static org.assertj.core.api.Assertions.assertThat;

/** What the upstream answers reaches the client as it was sent, except for the headers Portico owns. */
class ResponsePassThroughTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 301, 302, 303, 307, 308, 404, 500, 503})
    void passesTheUpstreamStatusAndBodyAsTheyAre(int status) throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(status, "body of " + status,
                "Location: /elsewhere", "Content-Type: text/plain"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()))) {

            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(proxy.uri("/thing")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(status);
            assertThat(response.body()).isEqualTo("body of " + status);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain");
            assertThat(proxy.observer.next()).isEqualTo("forwarded " + status);
        }
    }

    @Test
    void passesNoContentWithoutABody() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) ->
                conversation.write("HTTP/1.1 204 No Content\r\nX-Done: yes\r\n\r\n"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse first = client.send("DELETE /thing/1 HTTP/1.1", "Host: example.test").read("DELETE");
            // the same connection carries a second exchange: no stray body bytes followed the 204
            RawClient.RawResponse second = client.send("DELETE /thing/2 HTTP/1.1", "Host: example.test").read("DELETE");

            assertThat(first.status()).isEqualTo(204);
            assertThat(first.header("X-Done")).isEqualTo("yes");
            assertThat(first.header("Transfer-Encoding")).isNull();
            assertThat(second.status()).isEqualTo(204);
        }
    }

    @Test
    void passesRedirectsWithoutFollowingThem() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            if (request.target().equals("/old")) {
                conversation.send(302, "moved", "Location: /new");
            } else {
                conversation.send(200, "followed");
            }
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()))) {

            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(proxy.uri("/old")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).hasValue("/new");
            assertThat(upstream.takeRequest().target()).isEqualTo("/old");
            // had Portico followed the redirect, the upstream would have seen /new before the client got an answer
            assertThat(upstream.acceptedConnections()).isEqualTo(1);
            assertThat(response.body()).isEqualTo("moved");
        }
    }

    @Test
    void rewritesAnAbsoluteLocationThatPointsAtTheTargetToTheAddressTheClientUsed() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.send(301, "",
                "Location: http://127.0.0.1:" + conversation.localPort() + "/login?next=%2Fhome"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET /home HTTP/1.1", "Host: shop.example.test:8443")
                    .read("GET");

            assertThat(response.status()).isEqualTo(301);
            assertThat(response.header("Location")).isEqualTo("http://shop.example.test:8443/login?next=%2Fhome");
        }
    }

    @Test
    void putsAStrippedPrefixBackIntoARewrittenLocation() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.send(303, "",
                "Location: http://127.0.0.1:" + conversation.localPort() + "/orders/7"));
             ProxyServer proxy = ProxyServer.start(routes(upstream("app", upstream.url()),
                     route("shop", "/shop/", "app", true, false, Route.DEFAULT_TIMEOUT)));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("POST /shop/orders HTTP/1.1", "Host: example.test",
                    "Content-Length: 0").read("POST");

            assertThat(upstream.takeRequest().target()).isEqualTo("/orders");
            assertThat(response.header("Location")).isEqualTo("http://example.test/shop/orders/7");
        }
    }

    @Test
    void leavesLocationsThatPointElsewhereUntouched() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.send(302, "",
                "Location: " + (request.target().equals("/sso") ? "https://login.example.org/start?x=1" : "/relative"),
                "X-Seen: " + request.target()));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()))) {

            HttpResponse<String> external = CLIENT.send(HttpRequest.newBuilder(proxy.uri("/sso")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> relative = CLIENT.send(HttpRequest.newBuilder(proxy.uri("/other")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(external.headers().firstValue("Location")).hasValue("https://login.example.org/start?x=1");
            assertThat(relative.headers().firstValue("Location")).hasValue("/relative");
        }
    }

    @Test
    void passesRepeatedResponseHeadersAsSeparateLines() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok",
                "Set-Cookie: a=1; Path=/", "Set-Cookie: b=2; HttpOnly", "Set-Cookie: c=3; Expires=Wed, 21 Oct 2037 07:28:00 GMT",
                "Cache-Control: no-cache", "Cache-Control: no-store"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(response.headers("Set-Cookie")).containsExactly("a=1; Path=/", "b=2; HttpOnly",
                    "c=3; Expires=Wed, 21 Oct 2037 07:28:00 GMT");
            assertThat(response.headers("Cache-Control")).containsExactly("no-cache", "no-store");
        }
    }

    @Test
    void replacesTheUpstreamsServerHeaderAndAppendsToItsVia() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok", "Server: upstream/1.0",
                "Via: 1.0 fred", "Date: Tue, 01 Jan 2030 00:00:00 GMT"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(response.headers("Server")).containsExactly("portico");
            assertThat(response.headers("Via")).containsExactly("1.0 fred, 1.1 portico");
            assertThat(response.headers("Date")).containsExactly("Tue, 01 Jan 2030 00:00:00 GMT");
        }
    }

    @Test
    void addsOneServerViaAndDateWhenTheUpstreamSentNone() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(response.headers("Server")).containsExactly("portico");
            assertThat(response.headers("Via")).containsExactly("1.1 portico");
            assertThat(response.headers("Date")).hasSize(1);
        }
    }

    @Test
    void keepsContentEncodedBodiesAsTheyAre() throws Exception {
        byte[] gzipped = {31, -117, 8, 0, 0, 0, 0, 0, 0, 3, 75, 76, 74, 6, 0, -62, 65, 36, 53, 3, 0, 0, 0};
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            conversation.write("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + gzipped.length
                    + "\r\n\r\n");
            conversation.out().write(gzipped);
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()))) {

            HttpResponse<byte[]> response = CLIENT.send(HttpRequest.newBuilder(proxy.uri("/file"))
                    .header("Accept-Encoding", "gzip").timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(response.body()).isEqualTo(gzipped);
        }
    }
}
