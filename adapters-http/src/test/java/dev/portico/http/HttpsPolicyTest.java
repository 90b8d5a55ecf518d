package dev.portico.http;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.Hsts;
import dev.portico.domain.model.Route;
import dev.portico.domain.port.ResolveRoute;
import dev.portico.domain.routing.RoutingTable;
import dev.portico.http.forward.HttpsPolicy;
import dev.portico.http.tls.TestPki;

import io.helidon.common.tls.Tls;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

import static dev.portico.http.ProxyServer.upstream;
import static org.assertj.core.api.Assertions.assertThat;

/** Routes' HTTPS settings: redirects from plain HTTP (ACME challenges excepted) and HSTS over TLS only. */
class HttpsPolicyTest {
    private static final Hsts YEAR = new Hsts(Duration.ofDays(365), true, false);

    private static RawUpstream upstream;
    private static ProxyServer plain;
    private static ProxyServer plainDefaultPort;
    private static ProxyServer secure;
    private static SSLContext client;

    @BeforeAll
    static void start() throws IOException {
        upstream = RawUpstream.start((request, conversation) -> conversation.send(200, "from upstream",
                "Strict-Transport-Security: max-age=1"));
        ResolveRoute routes = RoutingTable.build(new Configuration(1, List.of(upstream("app", upstream.url())), List.of(
                route("secure", "/secure/", true, Optional.of(YEAR)),
                route("redirect-only", "/redirect/", true, Optional.empty()),
                route("hsts-only", "/hsts/", false, Optional.of(YEAR)),
                route("plain", "/", false, Optional.empty()))))::resolve;
        TestPki pki = TestPki.create();
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, "localhost");
        client = pki.clientContext();
        plain = ProxyServer.start(routes, ProxySettings.defaults().withHttpsPort(8443));
        plainDefaultPort = ProxyServer.start(routes, ProxySettings.defaults());
        secure = ProxyServer.start(routes, ProxySettings.defaults().withHttpsPort(8443), listener -> listener.tls(
                Tls.builder().privateKey(leaf.keys().getPrivate())
                        .privateKeyCertChain(List.of(leaf.certificate(), leaf.intermediate())).build()));
    }

    @AfterAll
    static void stop() throws IOException {
        secure.close();
        plainDefaultPort.close();
        plain.close();
        upstream.close();
    }

    private static Route route(String name, String prefix, boolean redirect, Optional<Hsts> hsts) {
        return new Route(name, List.of(), prefix, "app", false, false, Route.DEFAULT_TIMEOUT, redirect, hsts,
                Route.DEFAULT_WEBSOCKET_IDLE_TIMEOUT);
    }

    private static RawClient.RawResponse get(ProxyServer proxy, String target, String host) throws IOException {
        try (RawClient raw = RawClient.connect(proxy.port())) {
            return raw.send("GET " + target + " HTTP/1.1", "Host: " + host, "Connection: close").read("GET");
        }
    }

    private static RawClient.RawResponse getOverTls(String target) throws IOException {
        try (RawClient raw = RawClient.connectTls(client, secure.port())) {
            return raw.send("GET " + target + " HTTP/1.1", "Host: example.com", "Connection: close").read("GET");
        }
    }

    @Test
    void aPlainRequestIsRedirectedWith308ToTheSameHostRawPathAndQueryOnTheHttpsPort() throws IOException {
        int before = upstream.acceptedConnections();

        RawClient.RawResponse response = get(plain, "/secure/a%2Fb/%7Ec?q=a%20b&x=%2F", "Example.com:8080");

        assertThat(response.status()).isEqualTo(308);
        assertThat(response.header("Location")).isEqualTo("https://Example.com:8443/secure/a%2Fb/%7Ec?q=a%20b&x=%2F");
        assertThat(response.header("Content-Type")).startsWith("text/plain");
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).startsWith("308 Permanent Redirect");
        assertThat(response.header("Strict-Transport-Security")).isNull();
        assertThat(upstream.acceptedConnections()).as("nothing was forwarded").isEqualTo(before);
    }

    @Test
    void theHttpsPortIsLeftOutOfTheLocationWhenItIs443() throws IOException {
        assertThat(get(plainDefaultPort, "/redirect/x", "example.com").header("Location"))
                .isEqualTo("https://example.com/redirect/x");
        assertThat(get(plainDefaultPort, "/redirect/x?", "example.com:80").header("Location"))
                .isEqualTo("https://example.com/redirect/x?");
    }

    @Test
    void anIpv6HostKeepsItsBracketsAndLosesItsPort() throws IOException {
        assertThat(get(plain, "/redirect/", "[::1]:8080").header("Location")).isEqualTo("https://[::1]:8443/redirect/");
        assertThat(get(plain, "/redirect/", "[::1]").header("Location")).isEqualTo("https://[::1]:8443/redirect/");
    }

    @Test
    void aPostIsRedirectedWith308SoThatTheClientKeepsItsMethodAndBody() throws IOException {
        try (RawClient raw = RawClient.connect(plain.port())) {
            RawClient.RawResponse response = raw.send("POST /secure/form HTTP/1.1", "Host: example.com",
                    "Content-Length: 5").sendText("hello").read("POST");

            assertThat(response.status()).isEqualTo(308);
            assertThat(response.header("Location")).isEqualTo("https://example.com:8443/secure/form");
        }
    }

    @Test
    void acmeHttp01ChallengesAreForwardedNotRedirected() throws IOException {
        RawClient.RawResponse response = get(plain, "/.well-known/acme-challenge/token-123", "example.com");
        // the catch-all route does not redirect, so make the challenge go to a redirecting route's prefix too
        RawClient.RawResponse underRedirect = get(plain, "/secure/.well-known/acme-challenge/x", "example.com");

        assertThat(response.status()).isEqualTo(200);
        assertThat(underRedirect.status()).as("only the well-known path at the root is exempt").isEqualTo(308);
    }

    @Test
    void routesWithoutRedirectForwardPlainRequests() throws IOException {
        RawClient.RawResponse response = get(plain, "/hsts/page", "example.com");

        assertThat(response.status()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("from upstream");
    }

    @Test
    void hstsIsNeverSentOverPlainHttpNotEvenTheUpstreamsOwn() throws IOException {
        RawClient.RawResponse response = get(plain, "/hsts/page", "example.com");

        assertThat(response.headers("Strict-Transport-Security")).isEmpty();
    }

    @Test
    void overTlsARedirectingRouteForwardsAndItsHstsReplacesTheUpstreams() throws IOException {
        RawClient.RawResponse response = getOverTls("/secure/page");

        assertThat(response.status()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("from upstream");
        assertThat(response.headers("Strict-Transport-Security")).containsExactly("max-age=31536000; includeSubDomains");
    }

    @Test
    void overTlsEveryHstsFlagIsWritten() throws IOException {
        assertThat(getOverTls("/hsts/x").headers("Strict-Transport-Security"))
                .containsExactly("max-age=31536000; includeSubDomains");
        assertThat(new Hsts(Duration.ofDays(730), true, true).headerValue())
                .isEqualTo("max-age=63072000; includeSubDomains; preload");
    }

    @Test
    void aRouteWithoutHstsPassesTheUpstreamsHeaderThroughOverTls() throws IOException {
        assertThat(getOverTls("/other").headers("Strict-Transport-Security")).containsExactly("max-age=1");
    }

    @Test
    void errorRepliesOverTlsCarryTheRoutesHsts() throws IOException {
        // a route whose upstream is down: Portico answers 503 itself, and the policy still applies
        ResolveRoute down = RoutingTable.build(new Configuration(1, List.of(upstream("app", "http://127.0.0.1:1")),
                List.of(route("secure", "/", false, Optional.of(YEAR)))))::resolve;
        TestPki pki = TestPki.create();
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, "localhost");
        try (ProxyServer proxy = ProxyServer.start(down, ProxySettings.defaults(), listener -> listener.tls(
                Tls.builder().privateKey(leaf.keys().getPrivate())
                        .privateKeyCertChain(List.of(leaf.certificate(), leaf.intermediate())).build()));
             RawClient raw = RawClient.connectTls(pki.clientContext(), proxy.port())) {
            RawClient.RawResponse response = raw.send("GET / HTTP/1.1", "Host: example.com", "Connection: close")
                    .read("GET");

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.headers("Strict-Transport-Security")).containsExactly("max-age=31536000; includeSubDomains");
        }
    }

    @Test
    void theHostLosesOnlyItsPort() {
        assertThat(HttpsPolicy.hostWithoutPort("example.com")).isEqualTo("example.com");
        assertThat(HttpsPolicy.hostWithoutPort("example.com:8080")).isEqualTo("example.com");
        assertThat(HttpsPolicy.hostWithoutPort("[2001:db8::1]")).isEqualTo("[2001:db8::1]");
        assertThat(HttpsPolicy.hostWithoutPort("[2001:db8::1]:443")).isEqualTo("[2001:db8::1]");
    }
}
