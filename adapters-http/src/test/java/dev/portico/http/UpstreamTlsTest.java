package dev.portico.http;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.HashOn;
import dev.portico.domain.model.HealthCheck;
import dev.portico.domain.model.PassiveHealth;
import dev.portico.domain.model.Policy;
import dev.portico.domain.model.RetryPolicy;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.model.UpstreamTls;
import dev.portico.domain.routing.RoutingTable;
import dev.portico.domain.validation.Validated;
import dev.portico.http.health.ActiveHealthChecks;
import dev.portico.http.tls.TestPki;
import dev.portico.http.upstream.UpstreamTrust;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** https targets: verified against the upstream's CA bundle or the JDK's CAs, with SNI and host name verification. */
class UpstreamTlsTest {
    private static TestPki pki;
    private static TestPki otherPki;
    private static TlsUpstream localhost;
    private static TlsUpstream otherName;
    private static TlsUpstream expired;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create();
        otherPki = TestPki.create();
        localhost = TlsUpstream.serving(pki.leaf(TestPki.KeyKind.EC, "localhost"));
        otherName = TlsUpstream.serving(pki.leaf(TestPki.KeyKind.EC, "other.example"));
        Instant now = Instant.now();
        expired = TlsUpstream.serving(pki.leaf(TestPki.KeyKind.EC, now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1)), "CN=localhost", List.of("localhost")));
    }

    @AfterAll
    static void stop() throws IOException {
        localhost.close();
        otherName.close();
        expired.close();
    }

    private static Upstream upstream(String url, String caPem) {
        Upstream.UpstreamSpec spec = new Upstream.UpstreamSpec(List.of(new Upstream.TargetSpec(url, null)),
                null, null, null, null, new Upstream.RetriesSpec(0, null),
                caPem == null ? null : new UpstreamTls.TlsSpec(caPem));
        return switch (Upstream.parse("secure", spec)) {
            case Validated.Valid<Upstream> valid -> valid.value();
            case Validated.Invalid<Upstream> invalid -> throw new IllegalArgumentException(invalid.errors().toString());
        };
    }

    private static Configuration configuration(Upstream upstream) {
        return new Configuration(1, List.of(upstream), List.of(new Route("all", List.of(), "/", "secure", false,
                false, Route.DEFAULT_TIMEOUT)));
    }

    private static RawClient.RawResponse get(ProxyServer proxy) throws IOException {
        try (RawClient client = RawClient.connect(proxy.port())) {
            return client.send("GET /hello HTTP/1.1", "Host: example.com").read("GET");
        }
    }

    private static String body(RawClient.RawResponse response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static ProxyServer proxyTo(Upstream upstream) {
        RoutingTable table = RoutingTable.build(configuration(upstream));
        return ProxyServer.start(table::resolve, ProxyServer.DETAILED);
    }

    @Test
    void aTargetSignedByTheUpstreamsCaIsTrustedAndGetsItsHostNameBySni() throws Exception {
        try (ProxyServer proxy = proxyTo(upstream("https://localhost:" + localhost.port(), pki.rootPem()))) {
            RawClient.RawResponse response = get(proxy);

            assertThat(response.status()).as(body(response)).isEqualTo(200);
            assertThat(body(response)).as("the server name the upstream saw").isEqualTo("sni=localhost");
        }
    }

    @Test
    void withoutABundleAPrivateCaIsNotTrustedAndTheClientGetsA502SayingSo() throws Exception {
        try (ProxyServer proxy = proxyTo(upstream("https://localhost:" + localhost.port(), null))) {
            RawClient.RawResponse response = get(proxy);

            assertThat(response.status()).isEqualTo(502);
            assertThat(body(response)).isEqualTo("502 Bad Gateway: upstream 'secure' presented a certificate that is"
                    + " not trusted (no trusted CA signed it; give the upstream's CA in tls.caPem)\n");
            assertThat(proxy.observer.next()).isEqualTo("upstream failed UNTRUSTED_CERTIFICATE");
        }
    }

    @Test
    void aBundleReplacesTheJdkTrustSoAnotherCaIsNotTrusted() throws Exception {
        try (ProxyServer proxy = proxyTo(upstream("https://localhost:" + localhost.port(), otherPki.rootPem()))) {
            RawClient.RawResponse response = get(proxy);

            assertThat(response.status()).isEqualTo(502);
            assertThat(body(response)).contains("not trusted (no trusted CA signed it");
        }
    }

    @Test
    void aCertificateForAnotherHostNameIsRefusedWithA502() throws Exception {
        try (ProxyServer proxy = proxyTo(upstream("https://localhost:" + otherName.port(), pki.rootPem()))) {
            RawClient.RawResponse response = get(proxy);

            assertThat(response.status()).isEqualTo(502);
            assertThat(body(response)).isEqualTo("502 Bad Gateway: upstream 'secure' presented a certificate that is"
                    + " not trusted (it is not valid for the target's host name)\n");
        }
    }

    @Test
    void anIpAddressTargetIsCheckedAgainstTheCertificatesIpNamesNotAReverseLookup() throws Exception {
        // 127.0.0.1 reverse-resolves to localhost, the certificate's only name: it must still not pass
        try (ProxyServer proxy = proxyTo(upstream("https://127.0.0.1:" + localhost.port(), pki.rootPem()))) {
            RawClient.RawResponse response = get(proxy);

            assertThat(response.status()).isEqualTo(502);
            assertThat(body(response)).contains("not valid for the target's host name");
        }
    }

    @Test
    void anIpAddressTargetWithTheAddressInItsCertificateIsTrustedAndSendsNoSni() throws Exception {
        try (TlsUpstream byAddress = TlsUpstream.serving(pki.leaf(TestPki.KeyKind.EC, "127.0.0.1"));
             ProxyServer proxy = proxyTo(upstream("https://127.0.0.1:" + byAddress.port(), pki.rootPem()))) {
            RawClient.RawResponse response = get(proxy);

            assertThat(response.status()).as(body(response)).isEqualTo(200);
            assertThat(body(response)).as("RFC 6066: no SNI for an address").isEqualTo("sni=");
        }
    }

    @Test
    void aTargetThatDoesNotSpeakTlsGetsA502SayingTheHandshakeFailed() throws Exception {
        try (RawUpstream plain = RawUpstream.start(RawUpstream.answering(200, "plain"));
             ProxyServer proxy = proxyTo(upstream("https://localhost:" + plain.port(), pki.rootPem()))) {
            RawClient.RawResponse response = get(proxy);

            assertThat(response.status()).isEqualTo(502);
            assertThat(body(response)).isEqualTo("502 Bad Gateway: upstream 'secure' could not complete a TLS handshake\n");
        }
    }

    @Test
    void anExpiredCertificateIsRefusedWithA502() throws Exception {
        try (ProxyServer proxy = proxyTo(upstream("https://localhost:" + expired.port(), pki.rootPem()))) {
            RawClient.RawResponse response = get(proxy);

            assertThat(response.status()).isEqualTo(502);
            assertThat(body(response)).contains("not trusted (expired or not yet valid)");
        }
    }

    @Test
    void changingTheUpstreamsBundleTakesEffectOnTheNextConnection() throws Exception {
        String url = "https://localhost:" + localhost.port();
        AtomicReference<RoutingTable> table = new AtomicReference<>(
                RoutingTable.build(configuration(upstream(url, otherPki.rootPem()))));
        try (ProxyServer proxy = ProxyServer.start((host, path) -> table.get().resolve(host, path), ProxyServer.DETAILED)) {
            assertThat(get(proxy).status()).isEqualTo(502);

            table.set(RoutingTable.build(configuration(upstream(url, pki.rootPem()))));
            assertThat(get(proxy).status()).isEqualTo(200);

            table.set(RoutingTable.build(configuration(upstream(url, otherPki.rootPem()))));
            assertThat(get(proxy).status()).as("a pooled connection verified under the old bundle is not reused")
                    .isEqualTo(502);
        }
    }

    @Test
    void contextsAreBuiltOncePerSettingAndAgainWhenTheSettingChanges() {
        UpstreamTrust trust = new UpstreamTrust();
        UpstreamTls bundle = new UpstreamTls(Optional.of(pki.rootPem()));
        UpstreamTls sameText = new UpstreamTls(Optional.of(new String(pki.rootPem().toCharArray())));
        UpstreamTls other = new UpstreamTls(Optional.of(otherPki.rootPem()));

        assertThat(trust.tlsFor(bundle)).isSameAs(trust.tlsFor(bundle)).isSameAs(trust.tlsFor(sameText));
        assertThat(trust.tlsFor(other)).isNotSameAs(trust.tlsFor(bundle));
        assertThat(trust.tlsFor(UpstreamTls.JDK_TRUST)).isSameAs(trust.tlsFor(UpstreamTls.JDK_TRUST));
        assertThat(trust.cachedContexts()).isEqualTo(2);
    }

    @Test
    void activeHealthChecksOfHttpsTargetsTrustWhatTheProxyTrusts() throws Exception {
        // generous timeouts: a TLS handshake on a loaded machine can take longer than a fast check allows
        HealthCheck check = new HealthCheck("/healthz", Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1, 200, 399);
        List<Target> targets = List.of(new Target("https", "localhost", localhost.port(), "", 1));
        Upstream withBundle = new Upstream("with-bundle", targets, Policy.ROUND_ROBIN, HashOn.CLIENT_IP,
                Optional.of(check), PassiveHealth.DEFAULT, RetryPolicy.DEFAULT,
                new UpstreamTls(Optional.of(pki.rootPem())));
        Upstream withoutBundle = new Upstream("without-bundle", targets, Policy.ROUND_ROBIN, HashOn.CLIENT_IP,
                Optional.of(check), PassiveHealth.DEFAULT, RetryPolicy.DEFAULT);
        Map<String, List<Boolean>> verdicts = new ConcurrentHashMap<>();
        try (ActiveHealthChecks checks = new ActiveHealthChecks((key, healthy, reason) ->
                verdicts.computeIfAbsent(key.upstream(), k -> new CopyOnWriteArrayList<>()).add(healthy))) {
            checks.reconcile(new Configuration(1, List.of(withBundle, withoutBundle), List.of()));

            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!(verdicts.getOrDefault("with-bundle", List.of()).contains(true)
                    && verdicts.containsKey("without-bundle")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }

        assertThat(verdicts.get("with-bundle")).contains(true);
        assertThat(verdicts.get("without-bundle")).isNotEmpty().containsOnly(false);
    }
}
