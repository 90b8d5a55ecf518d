package dev.portico.http.tls;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The selection rules of one snapshot, without sockets: exact, then wildcard, then default, then key type. */
class ServedCertificatesTest {
    private static TestPki pki;

    @BeforeAll
    static void authority() {
        pki = TestPki.create();
    }

    @Test
    void aWildcardCoversExactlyOneMoreLabel() {
        CertificateBundle wildcard = bundle("wildcard", pki.leaf(TestPki.KeyKind.EC, "*.example.com"));
        ServedCertificates served = ServedCertificates.of(List.of(wildcard), Optional.empty());

        assertThat(served.select(Optional.of("www.example.com"), "EC")).contains(wildcard);
        assertThat(served.select(Optional.of("example.com"), "EC")).isEmpty();
        assertThat(served.select(Optional.of("a.www.example.com"), "EC")).isEmpty();
        assertThat(served.select(Optional.of("www.example.org"), "EC")).isEmpty();
        assertThat(served.recognizes("www.example.com")).isTrue();
        assertThat(served.recognizes("example.com")).isFalse();
    }

    @Test
    void matchesNamesWhateverTheirCaseAndATrailingDot() {
        CertificateBundle site = bundle("site", pki.leaf(TestPki.KeyKind.EC, "Shop.Example.com"));
        ServedCertificates served = ServedCertificates.of(List.of(site), Optional.empty());

        assertThat(served.select(Optional.of("shop.example.com"), "EC")).contains(site);
        assertThat(served.select(Optional.of("SHOP.EXAMPLE.COM."), "EC")).contains(site);
    }

    @Test
    void anExactNameWinsOverAWildcardAndAWildcardOverTheDefault() {
        CertificateBundle exact = bundle("exact", pki.leaf(TestPki.KeyKind.EC, "a.example.com"));
        CertificateBundle wildcard = bundle("wildcard", pki.leaf(TestPki.KeyKind.EC, "*.example.com"));
        CertificateBundle fallback = bundle("fallback", pki.leaf(TestPki.KeyKind.EC, "fallback.example.net"));
        ServedCertificates served = ServedCertificates.of(List.of(fallback, wildcard, exact), Optional.of("fallback"));

        assertThat(served.select(Optional.of("a.example.com"), "EC")).contains(exact);
        assertThat(served.select(Optional.of("b.example.com"), "EC")).contains(wildcard);
        assertThat(served.select(Optional.of("example.com"), "EC")).contains(fallback);
        assertThat(served.select(Optional.empty(), "EC")).contains(fallback);
        assertThat(served.recognizes("anything.example.org")).isTrue();
    }

    @Test
    void servesClientsWithoutServerNameOnlyWhenTheNamedDefaultIsInstalled() {
        CertificateBundle site = bundle("site", pki.leaf(TestPki.KeyKind.EC, "a.example.com"));

        assertThat(ServedCertificates.none().servesClientsWithoutServerName()).isFalse();
        assertThat(ServedCertificates.of(List.of(site), Optional.empty()).servesClientsWithoutServerName()).isFalse();
        assertThat(ServedCertificates.of(List.of(site), Optional.of("missing")).servesClientsWithoutServerName())
                .isFalse();
        assertThat(ServedCertificates.of(List.of(site), Optional.of("site")).servesClientsWithoutServerName()).isTrue();
    }

    @Test
    void aNameWithItsOwnCertificateNeverGetsTheDefaultForAnotherKeyType() {
        CertificateBundle rsa = bundle("rsa", pki.leaf(TestPki.KeyKind.RSA, "a.example.com"));
        CertificateBundle fallback = bundle("fallback", pki.leaf(TestPki.KeyKind.EC, "fallback.example.net"));
        ServedCertificates served = ServedCertificates.of(List.of(rsa, fallback), Optional.of("fallback"));

        assertThat(served.select(Optional.of("a.example.com"), "EC")).isEmpty();
        assertThat(served.select(Optional.of("a.example.com"), "RSA")).contains(rsa);
    }

    @Test
    void ofTwoCertificatesForOneNameTheOneExpiringLastIsServed() {
        Instant now = Instant.now();
        CertificateBundle older = bundle("old", pki.leaf(TestPki.KeyKind.EC, now.minusSeconds(60),
                now.plus(Duration.ofDays(10)), "CN=a.example.com", List.of("a.example.com")));
        CertificateBundle renewed = bundle("new", pki.leaf(TestPki.KeyKind.EC, now.minusSeconds(60),
                now.plus(Duration.ofDays(90)), "CN=a.example.com", List.of("a.example.com")));

        assertThat(ServedCertificates.of(List.of(older, renewed), Optional.empty())
                .select(Optional.of("a.example.com"), "EC")).contains(renewed);
        assertThat(ServedCertificates.of(List.of(renewed, older), Optional.empty())
                .select(Optional.of("a.example.com"), "EC")).contains(renewed);
    }

    @Test
    void ignoresPartialWildcards() {
        CertificateBundle partial = bundle("partial", pki.leaf(TestPki.KeyKind.EC, "w*.example.com"));
        ServedCertificates served = ServedCertificates.of(List.of(partial), Optional.empty());

        assertThat(served.recognizes("www.example.com")).isFalse();
        assertThat(served.recognizes("w*.example.com")).isFalse();
    }

    @Test
    void aDefaultThatIsNotRegisteredServesNothing() {
        CertificateBundle site = bundle("site", pki.leaf(TestPki.KeyKind.EC, "a.example.com"));
        ServedCertificates served = ServedCertificates.of(List.of(site), Optional.of("not-there"));

        assertThat(served.select(Optional.empty(), "EC")).isEmpty();
        assertThat(served.recognizes("b.example.com")).isFalse();
    }

    @Test
    void keepsTheKeyAndChainOfAnAliasChosenJustBeforeARotation() {
        CertificateBundle before = bundle("site", pki.leaf(TestPki.KeyKind.EC, "a.example.com"));
        CertificateBundle after = bundle("site", pki.leaf(TestPki.KeyKind.EC, "a.example.com"));
        SniKeyManager keyManager = new SniKeyManager();
        keyManager.install(ServedCertificates.of(List.of(before), Optional.empty()));
        String alias = keyManager.current().choose(Optional.of("a.example.com"), "EC").orElseThrow().alias();

        keyManager.install(ServedCertificates.of(List.of(after), Optional.empty()));

        assertThat(keyManager.getCertificateChain(alias)[0]).isEqualTo(before.leaf());
        assertThat(keyManager.getPrivateKey(alias)).isEqualTo(before.privateKey());
    }

    @Test
    void keepsAnAliasChosenBeforeSeveralRotationsInARow() {
        CertificateBundle first = bundle("site", pki.leaf(TestPki.KeyKind.EC, "a.example.com"));
        SniKeyManager keyManager = new SniKeyManager();
        keyManager.install(ServedCertificates.of(List.of(first), Optional.empty()));
        String alias = keyManager.current().choose(Optional.of("a.example.com"), "EC").orElseThrow().alias();

        // a slow handshake: three rotations land between choosing the alias and fetching its key and chain
        for (int i = 0; i < 3; i++) {
            keyManager.install(ServedCertificates.of(
                    List.of(bundle("site", pki.leaf(TestPki.KeyKind.EC, "a.example.com"))), Optional.empty()));
        }

        assertThat(keyManager.getCertificateChain(alias)[0]).isEqualTo(first.leaf());
        assertThat(keyManager.getPrivateKey(alias)).isEqualTo(first.privateKey());
    }

    private static CertificateBundle bundle(String name, TestPki.Leaf leaf) {
        LoadOutcome outcome = CertificateBundle.load(name, leaf.inline(), Instant.now());
        assertThat(outcome).isInstanceOf(LoadOutcome.Loaded.class);
        return ((LoadOutcome.Loaded) outcome).bundle();
    }
}
