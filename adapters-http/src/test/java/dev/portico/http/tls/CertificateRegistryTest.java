package dev.portico.http.tls;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.ServedCertificate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The named certificates the admin API manages, and what each change reports. */
class CertificateRegistryTest {
    private static TestPki pki;

    @TempDir
    Path directory;

    private CertificateRegistry registry;

    @BeforeAll
    static void authority() {
        pki = TestPki.create();
    }

    @BeforeEach
    void setUp() {
        registry = new CertificateRegistry(new SniKeyManager(), Clock.systemUTC());
    }

    @Test
    void reportsWhetherAPutCreatedOrReplacedAndWhatItReplaced() {
        TestPki.Leaf first = pki.leaf(TestPki.KeyKind.EC, "a.example.com");
        TestPki.Leaf second = pki.leaf(TestPki.KeyKind.RSA, "a.example.com");

        CertificateChange created = registry.put("a", first.inline());
        CertificateChange replaced = registry.put("a", second.inline());

        assertThat(created).isInstanceOfSatisfying(CertificateChange.Installed.class, installed ->
                assertThat(installed.replaced()).isEmpty());
        assertThat(replaced).isInstanceOfSatisfying(CertificateChange.Installed.class, installed -> {
            assertThat(installed.details().keyType()).isEqualTo("RSA");
            assertThat(installed.replaced().orElseThrow().keyType()).isEqualTo("EC");
        });
    }

    @Test
    void listsCertificatesByName() {
        registry.put("zeta", pki.leaf(TestPki.KeyKind.EC, "z.example.com").inline());
        registry.put("alpha", pki.leaf(TestPki.KeyKind.EC, "a.example.com").inline());

        assertThat(registry.list()).extracting(ServedCertificate::name).containsExactly("alpha", "zeta");
        assertThat(registry.find("zeta").orElseThrow().serverNames()).containsExactly("z.example.com");
        assertThat(registry.find("omega")).isEmpty();
    }

    @Test
    void refusesANewNameWithoutRegisteringIt() {
        CertificateChange change = registry.put("broken", new CertificateOrigin.Inline("", ""));

        assertThat(change).isInstanceOfSatisfying(CertificateChange.Refused.class, refused ->
                assertThat(refused.stillServed()).isEmpty());
        assertThat(registry.list()).isEmpty();
    }

    @Test
    void reloadsNothingForAnUnknownName() {
        assertThat(registry.reload("nobody")).isEqualTo(new CertificateChange.NotFound("nobody"));
    }

    @Test
    void reloadsEveryCertificateEvenWhenOneIsRefused() throws Exception {
        CertbotLayout letsencrypt = new CertbotLayout(directory);
        letsencrypt.issue("a.example.com", pki.leaf(TestPki.KeyKind.EC, "a.example.com"));
        letsencrypt.issue("b.example.com", pki.leaf(TestPki.KeyKind.EC, "b.example.com"));
        registry.put("a.example.com", letsencrypt.source("a.example.com"));
        registry.put("b.example.com", letsencrypt.source("b.example.com"));
        TestPki.Leaf renewedB = pki.leaf(TestPki.KeyKind.EC, "b.example.com");
        letsencrypt.issue("b.example.com", renewedB);
        Files.writeString(letsencrypt.archive("a.example.com").resolve("privkey1.pem"), "damaged");

        List<CertificateChange> changes = registry.reloadAll();

        assertThat(changes).extracting(CertificateChange::name).containsExactly("a.example.com", "b.example.com");
        assertThat(changes.get(0)).isInstanceOf(CertificateChange.Refused.class);
        assertThat(changes.get(1)).isInstanceOfSatisfying(CertificateChange.Installed.class, installed ->
                assertThat(installed.details().serial()).isEqualTo(HttpsListenerContract.hex(renewedB.serial())));
    }

    @Test
    void stopsServingARemovedName() {
        registry.put("a", pki.leaf(TestPki.KeyKind.EC, "a.example.com").inline());

        assertThat(registry.remove("a")).isPresent();

        assertThat(registry.keyManager().current().recognizes("a.example.com")).isFalse();
        assertThat(registry.remove("a")).isEmpty();
    }

    @Test
    void servesADefaultOnlyOnceItIsRegistered() {
        registry.useDefault(Optional.of("fallback"));
        assertThat(registry.keyManager().current().recognizes("anything.example.org")).isFalse();

        registry.put("fallback", pki.leaf(TestPki.KeyKind.EC, "fallback.example.org").inline());

        assertThat(registry.keyManager().current().recognizes("anything.example.org")).isTrue();
        assertThat(registry.defaultName()).contains("fallback");
    }

    /** Validity is judged by the registry's clock, so an expiring certificate is refused on the day it expires. */
    @Test
    void judgesValidityByItsClock() {
        Instant notAfter = Instant.now().plus(Duration.ofDays(5));
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, Instant.now().minusSeconds(60), notAfter, "CN=a.example.com",
                List.of("a.example.com"));
        CertificateRegistry later = new CertificateRegistry(new SniKeyManager(),
                Clock.fixed(notAfter.plus(Duration.ofDays(1)), ZoneOffset.UTC));

        assertThat(registry.put("a", leaf.inline())).isInstanceOf(CertificateChange.Installed.class);
        assertThat(later.put("a", leaf.inline())).isInstanceOfSatisfying(CertificateChange.Refused.class, refused ->
                assertThat(refused.problem().code()).isEqualTo("expired"));
    }
}
