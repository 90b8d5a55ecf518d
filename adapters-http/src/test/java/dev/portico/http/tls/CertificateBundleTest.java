package dev.portico.http.tls;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.ServedCertificate;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading certificates the ways certbot, openssl and operators write them, and refusing bad ones with a reason. */
class CertificateBundleTest {
    private static TestPki pki;

    @TempDir
    Path directory;

    @BeforeAll
    static void authority() {
        pki = TestPki.create();
    }

    @ParameterizedTest(name = "{0} key as {1}")
    @CsvSource({"RSA, PKCS1", "RSA, PKCS8", "EC, SEC1", "EC, PKCS8"})
    void loadsRsaAndEcKeysInEveryPemEncoding(TestPki.KeyKind kind, TestPki.KeyEncoding encoding) {
        TestPki.Leaf leaf = pki.leaf(kind, "example.com");

        CertificateBundle bundle = loaded(new CertificateOrigin.Inline(leaf.fullchainPem(), leaf.keyPem(encoding)));

        assertThat(bundle.keyType()).isEqualTo(kind.name());
        assertThat(bundle.leaf()).isEqualTo(leaf.certificate());
        assertThat(bundle.chain()).containsExactly(leaf.certificate(), leaf.intermediate());
        assertThat(secret(bundle.privateKey())).isEqualTo(secret(leaf.keys().getPrivate()));
    }

    /** The secret number of a key, which PEM encodings wrap differently (SEC1 adds the curve and public point). */
    private static BigInteger secret(PrivateKey key) {
        return key instanceof ECPrivateKey ec
                ? ec.getS()
                : ((RSAPrivateKey) key).getPrivateExponent();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "RSA PKCS#1 (genrsa -traditional) | genrsa -traditional -out key.pem 2048               | RSA PRIVATE KEY",
            "RSA PKCS#8 (genpkey)             | genpkey -algorithm RSA -out key.pem                  | BEGIN PRIVATE KEY",
            "EC SEC1 (ecparam -genkey)        | ecparam -name prime256v1 -genkey -out key.pem        | EC PARAMETERS",
            "EC PKCS#8 (genpkey)              | genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem | BEGIN PRIVATE KEY"})
    void loadsKeysAsTheOpensslCommandLineWritesThem(String description, String generate, String marker)
            throws Exception {
        Openssl.ok(directory, generate.trim().split("\\s+"));
        String keyPem = Files.readString(directory.resolve("key.pem"));
        assertThat(keyPem).as("openssl wrote the encoding under test").contains(marker.trim());
        String publicPem = Openssl.ok(directory, "pkey", "-in", "key.pem", "-pubout");
        KeyPair keys;
        try (PEMParser parser = new PEMParser(new StringReader(publicPem))) {
            keys = new KeyPair(new JcaPEMKeyConverter().getPublicKey((SubjectPublicKeyInfo) parser.readObject()), null);
        }
        Instant now = Instant.now();
        TestPki.Leaf leaf = pki.leaf(keys, now.minusSeconds(60), now.plus(Duration.ofDays(30)), "CN=openssl.example",
                List.of("openssl.example"));

        CertificateBundle bundle = loaded(new CertificateOrigin.Inline(leaf.fullchainPem(), keyPem));

        assertThat(bundle.details().serverNames()).containsExactly("openssl.example");
    }

    @Test
    void followsCertbotSymlinksToTheNewestArchiveFiles() {
        CertbotLayout letsencrypt = new CertbotLayout(directory);
        letsencrypt.issue("example.com", pki.leaf(TestPki.KeyKind.EC, "example.com"));
        TestPki.Leaf renewed = pki.leaf(TestPki.KeyKind.EC, "example.com");
        letsencrypt.issue("example.com", renewed);

        CertificateBundle bundle = loaded(letsencrypt.source("example.com"));

        assertThat(bundle.leaf().getSerialNumber()).isEqualTo(renewed.serial());
        assertThat(bundle.details().loadedFrom()).isEqualTo("files "
                + letsencrypt.live("example.com").resolve("fullchain.pem") + " and "
                + letsencrypt.live("example.com").resolve("privkey.pem"));
    }

    @Test
    void describesTheCertificateAsOpensslDoes() throws Exception {
        Instant notBefore = Instant.parse("2026-01-01T00:00:00Z");
        Instant notAfter = Instant.parse("2126-01-01T00:00:00Z");
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.RSA, notBefore, notAfter, "CN=Example.com,O=Example Inc",
                List.of("Example.com", "www.example.com", "*.api.example.com"));
        Files.writeString(directory.resolve("cert.pem"), leaf.certificatePem());

        ServedCertificate details = loaded(leaf.inline()).details();

        assertThat(details.name()).isEqualTo("example");
        assertThat(details.subject()).isEqualTo("O=Example Inc,CN=Example.com");
        assertThat(details.subjectAlternativeNames()).containsExactly("Example.com", "www.example.com",
                "*.api.example.com");
        assertThat(details.serverNames()).containsExactly("example.com", "www.example.com", "*.api.example.com");
        assertThat(details.issuer()).isEqualTo("CN=Portico Test Intermediate");
        assertThat(details.notBefore()).isEqualTo(notBefore);
        assertThat(details.notAfter()).isEqualTo(notAfter);
        assertThat(details.daysLeft(Instant.parse("2125-12-21T12:00:00Z"))).isEqualTo(10);
        assertThat(details.daysLeft(Instant.parse("2126-01-03T00:00:00Z"))).isEqualTo(-2);
        assertThat(details.keyType()).isEqualTo("RSA");
        assertThat(details.chainLength()).isEqualTo(2);
        assertThat(details.loadedFrom()).isEqualTo("inline PEM");
        assertThat("sha256 Fingerprint=" + details.sha256Fingerprint() + "\n")
                .isEqualTo(Openssl.ok(directory, "x509", "-in", "cert.pem", "-noout", "-fingerprint", "-sha256"));
        assertThat("serial=" + details.serial() + "\n")
                .isEqualTo(Openssl.ok(directory, "x509", "-in", "cert.pem", "-noout", "-serial"));
    }

    @Test
    void takesTheServerNameFromTheCommonNameOnlyWhenThereAreNoSubjectAlternativeNames() {
        Instant now = Instant.now();
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, now.minusSeconds(60), now.plus(Duration.ofDays(1)),
                "CN=Legacy.Example.org", List.of());

        ServedCertificate details = loaded(leaf.inline()).details();

        assertThat(details.subjectAlternativeNames()).isEmpty();
        assertThat(details.serverNames()).containsExactly("legacy.example.org");
    }

    @Test
    void refusesAMissingFileNamingItsPath() {
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, "example.com");
        Path cert = write("fullchain.pem", leaf.fullchainPem());
        Path key = directory.resolve("privkey.pem");

        CertificateProblem problem = refused(new CertificateOrigin.Files(cert.toString(), key.toString()));

        assertThat(problem).isEqualTo(new CertificateProblem.MissingFile(key.toString(), "no such file"));
        assertThat(problem.message()).isEqualTo("cannot find " + key + ": no such file");
    }

    @Test
    void refusesADanglingSymlinkNamingWhereItPoints() throws Exception {
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, "example.com");
        Path key = write("privkey.pem", leaf.keyPem());
        Path cert = Files.createSymbolicLink(directory.resolve("fullchain.pem"), Path.of("archive/fullchain9.pem"));

        CertificateProblem problem = refused(new CertificateOrigin.Files(cert.toString(), key.toString()));

        assertThat(problem.code()).isEqualTo("missing-file");
        assertThat(problem.message()).isEqualTo("cannot find " + cert
                + ": it is a symbolic link to archive/fullchain9.pem, which does not exist");
    }

    @Test
    void refusesADirectoryWhereAFileShouldBe() throws Exception {
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, "example.com");
        Path cert = write("fullchain.pem", leaf.fullchainPem());
        Path key = Files.createDirectory(directory.resolve("privkey.pem"));

        CertificateProblem problem = refused(new CertificateOrigin.Files(cert.toString(), key.toString()));

        assertThat(problem).isEqualTo(
                new CertificateProblem.UnreadableFile(key.toString(), "it is a directory, not a PEM file"));
    }

    @Test
    void refusesAPathTheFileSystemCannotName() throws Exception {
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, "example.com");
        Path cert = write("fullchain.pem", leaf.fullchainPem());

        CertificateProblem problem = refused(new CertificateOrigin.Files(cert.toString(), "/etc/key\u0000.pem"));

        assertThat(problem).isInstanceOf(CertificateProblem.UnreadableFile.class);
        assertThat(problem.message()).startsWith("cannot read /etc/key").contains("it is not a valid file path");
    }

    @Test
    void refusesTextThatIsNotPem() {
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, "example.com");

        CertificateProblem problem = refused(new CertificateOrigin.Inline("hello, I am not a certificate", leaf.keyPem()));

        assertThat(problem.code()).isEqualTo("unparsable");
        assertThat(problem.message()).startsWith("the certificate PEM cannot be parsed: no PEM block");
    }

    @Test
    void refusesAPemBlockWithDamagedContent() {
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, "example.com");
        String damaged = leaf.certificatePem().replaceFirst("(?m)^(-----BEGIN CERTIFICATE-----\\n)MII", "$1QQQ");

        CertificateProblem problem = refused(new CertificateOrigin.Inline(damaged, leaf.keyPem()));

        assertThat(problem.code()).isEqualTo("unparsable");
        assertThat(problem.message()).startsWith("the certificate PEM cannot be parsed: ");
    }

    @Test
    void refusesCertificateTextWithoutACertificateSayingWhatItHolds() {
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, "example.com");

        CertificateProblem problem = refused(new CertificateOrigin.Inline(leaf.keyPem(), leaf.keyPem()));

        assertThat(problem.code()).isEqualTo("no-certificate");
        assertThat(problem.message()).contains("holds only [PrivateKeyInfo]").contains("not privkey.pem");
    }

    @Test
    void refusesKeyTextWithoutAKey() {
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, "example.com");

        CertificateProblem problem = refused(new CertificateOrigin.Inline(leaf.fullchainPem(), leaf.fullchainPem()));

        assertThat(problem.code()).isEqualTo("no-key");
        assertThat(problem.message()).contains("holds only [X509CertificateHolder]");
    }

    @Test
    void refusesEmptyKeyText() {
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, "example.com");

        CertificateProblem problem = refused(new CertificateOrigin.Inline(leaf.fullchainPem(), ""));

        assertThat(problem).isEqualTo(new CertificateProblem.NoKey("the private key PEM is empty (certbot: privkey.pem)"));
    }

    @ParameterizedTest(name = "{0} certificate with the key of another {1} certificate")
    @CsvSource({"RSA, RSA", "EC, EC", "RSA, EC", "EC, RSA"})
    void refusesAKeyThatBelongsToAnotherCertificate(TestPki.KeyKind certificateKind, TestPki.KeyKind keyKind) {
        TestPki.Leaf leaf = pki.leaf(certificateKind, "example.com");
        TestPki.Leaf other = pki.leaf(keyKind, "example.com");

        CertificateProblem problem = refused(new CertificateOrigin.Inline(leaf.fullchainPem(), other.keyPem()));

        assertThat(problem).isEqualTo(new CertificateProblem.KeyMismatch("CN=example.com"));
        assertThat(problem.message()).startsWith("the private key does not match the certificate CN=example.com");
    }

    @Test
    void refusesAnExpiredCertificateSayingWhenItExpired() {
        Instant notAfter = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, notAfter.minus(Duration.ofDays(90)), notAfter,
                "CN=old.example.com", List.of("old.example.com"));

        CertificateProblem problem = refused(leaf.inline());

        assertThat(problem).isEqualTo(new CertificateProblem.Expired("CN=old.example.com", notAfter));
        assertThat(problem.message()).isEqualTo("the certificate CN=old.example.com expired at " + notAfter);
    }

    @Test
    void refusesACertificateThatIsNotValidYet() {
        Instant notBefore = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.RSA, notBefore, notBefore.plus(Duration.ofDays(90)),
                "CN=new.example.com", List.of("new.example.com"));

        CertificateProblem problem = refused(leaf.inline());

        assertThat(problem).isEqualTo(new CertificateProblem.NotYetValid("CN=new.example.com", notBefore));
        assertThat(problem.code()).isEqualTo("not-yet-valid");
    }

    @Test
    void refusesAPassphraseProtectedKey() throws Exception {
        Openssl.ok(directory, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-aes-256-cbc", "-pass", "pass:secret", "-out", "key.pem");
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, "example.com");

        CertificateProblem problem = refused(new CertificateOrigin.Inline(leaf.fullchainPem(),
                Files.readString(directory.resolve("key.pem"))));

        assertThat(problem.message()).isEqualTo("the private key PEM cannot be parsed: it is encrypted with a"
                + " passphrase; give the unencrypted key (as certbot's privkey.pem is)");
    }

    @Test
    void neverShowsKeyMaterialInTextMeantForLogs() {
        TestPki.Leaf leaf = pki.leaf(TestPki.KeyKind.EC, "example.com");
        String keyBody = leaf.keyPem().lines().skip(1).findFirst().orElseThrow();

        CertificateBundle bundle = loaded(leaf.inline());

        assertThat(bundle.toString()).doesNotContain(keyBody);
        assertThat(bundle.source().toString()).doesNotContain(keyBody);
        assertThat(bundle.details().toString()).doesNotContain(keyBody);
    }

    private Path write(String name, String content) {
        try {
            return Files.writeString(directory.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CertificateBundle loaded(CertificateOrigin source) {
        LoadOutcome outcome = CertificateBundle.load("example", source, Instant.now());
        assertThat(outcome).isInstanceOf(LoadOutcome.Loaded.class);
        return ((LoadOutcome.Loaded) outcome).bundle();
    }

    private static CertificateProblem refused(CertificateOrigin source) {
        LoadOutcome outcome = CertificateBundle.load("example", source, Instant.now());
        assertThat(outcome).isInstanceOf(LoadOutcome.Refused.class);
        return ((LoadOutcome.Refused) outcome).problem();
    }
}
