package dev.portico.domain.model;

import dev.portico.domain.model.Upstream.TargetSpec;
import dev.portico.domain.model.Upstream.UpstreamSpec;
import dev.portico.domain.validation.FieldError;
import dev.portico.domain.validation.Validated;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpstreamTlsTest {
    private static final List<TargetSpec> HTTPS = List.of(new TargetSpec("https://api.internal:8443", 1),
            new TargetSpec("http://127.0.0.1:9001", 1));

    @TempDir
    static Path directory;
    private static String caOne;
    private static String caTwo;

    @BeforeAll
    static void certificates() throws Exception {
        caOne = selfSigned("one", "CN=Internal CA One");
        caTwo = selfSigned("two", "CN=Internal CA Two");
    }

    /** A self-signed CA certificate as PEM, made by the JDK's keytool. */
    private static String selfSigned(String alias, String subject) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path store = directory.resolve(alias + ".p12");
        run(keytool.toString(), "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", subject, "-ext", "bc:c=ca:true", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "password", "-keypass", "password");
        return run(keytool.toString(), "-exportcert", "-rfc", "-alias", alias, "-keystore", store.toString(),
                "-storepass", "password");
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static Validated<Upstream> parse(List<TargetSpec> targets, String caPem) {
        return Upstream.parse("app", new UpstreamSpec(targets, null, null, null, null, null,
                new UpstreamTls.TlsSpec(caPem)));
    }

    private static List<FieldError> errors(Validated<Upstream> outcome) {
        return switch (outcome) {
            case Validated.Valid<Upstream> valid -> throw new AssertionError("valid: " + valid.value());
            case Validated.Invalid<Upstream> invalid -> invalid.errors();
        };
    }

    private static Upstream valid(Validated<Upstream> outcome) {
        return switch (outcome) {
            case Validated.Valid<Upstream> valid -> valid.value();
            case Validated.Invalid<Upstream> invalid -> throw new AssertionError(invalid.errors());
        };
    }

    @Test
    void withoutATlsSettingHttpsTargetsUseTheJdkTrustStore() {
        Upstream upstream = valid(Upstream.parse("app", UpstreamSpec.of(HTTPS)));

        assertThat(upstream.tls()).isEqualTo(UpstreamTls.JDK_TRUST);
        assertThat(upstream.tls().usesJdkTrust()).isTrue();
        assertThat(upstream.targets()).extracting(Target::tls).containsOnly(UpstreamTls.JDK_TRUST);
    }

    @Test
    void aBundleOfSeveralCertificatesWithCommentsBetweenIsKeptAndCarriedByTheHttpsTargetsOnly() {
        String bundle = "# Internal CA One\n" + caOne + "\n# Internal CA Two\n" + caTwo;

        Upstream upstream = valid(parse(HTTPS, bundle));

        assertThat(upstream.tls().caPem()).contains(bundle);
        assertThat(upstream.tls().caCertificates()).extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=Internal CA One", "CN=Internal CA Two");
        assertThat(upstream.targets().get(0).tls()).isEqualTo(upstream.tls());
        assertThat(upstream.targets().get(1).tls()).as("plain http has no certificate").isEqualTo(UpstreamTls.JDK_TRUST);
        assertThat(upstream.tls().describe()).isEqualTo("CA bundle of 2 certificates (CN=Internal CA One; CN=Internal CA Two)");
    }

    @Test
    void twoUpstreamsThatTrustDifferentlyHaveDifferentTargetsForTheSameUrl() {
        Target viaOne = valid(parse(HTTPS, caOne)).targets().getFirst();
        Target viaTwo = valid(parse(HTTPS, caTwo)).targets().getFirst();

        assertThat(viaOne.url()).isEqualTo(viaTwo.url());
        assertThat(viaOne).isNotEqualTo(viaTwo);
    }

    @Test
    void aPrivateKeyIsRefusedNamingTheField() {
        String key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";

        List<FieldError> errors = errors(parse(HTTPS, caOne + key));

        assertThat(errors).extracting(FieldError::field).containsExactly("tls.caPem");
        assertThat(errors.getFirst().message()).contains("private key");
    }

    @Test
    void textWithoutACertificateIsRefused() {
        assertThat(errors(parse(HTTPS, "not a certificate"))).extracting(FieldError::message)
                .singleElement().asString().contains("BEGIN CERTIFICATE");
        assertThat(errors(parse(HTTPS, ""))).extracting(FieldError::field).containsExactly("tls.caPem");
        assertThat(errors(parse(HTTPS, null))).extracting(FieldError::field).containsExactly("tls.caPem");
    }

    @Test
    void aDamagedCertificateIsRefusedWithItsNumber() {
        String damaged = caTwo.replace(caTwo.substring(60, 80), "AAAAAAAAAAAAAAAAAAAA");

        assertThat(errors(parse(HTTPS, caOne + damaged))).extracting(FieldError::message)
                .singleElement().asString().startsWith("certificate 2 ");
        assertThat(errors(parse(HTTPS, "-----BEGIN CERTIFICATE-----\n@@@\n-----END CERTIFICATE-----")))
                .extracting(FieldError::message).singleElement().asString()
                .isEqualTo("certificate 1 is not a valid X.509 certificate");
    }

    @Test
    void aBundleTooLongIsRefused() {
        String huge = caOne + "#".repeat(UpstreamTls.MAX_CA_PEM_LENGTH);

        assertThat(errors(parse(HTTPS, huge))).extracting(FieldError::field).containsExactly("tls.caPem");
    }

    @Test
    void tlsOnAnUpstreamWithoutHttpsTargetsIsRefused() {
        List<TargetSpec> plain = List.of(new TargetSpec("http://127.0.0.1:9001", 1));

        assertThat(errors(parse(plain, caOne))).extracting(FieldError::field).containsExactly("tls");
    }

    @Test
    void theConstructorRefusesABlankBundle() {
        assertThatThrownBy(() -> new UpstreamTls(Optional.of(" "))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theAuditSummaryNamesATlsChange() {
        Upstream before = valid(Upstream.parse("app", UpstreamSpec.of(HTTPS)));
        Upstream after = valid(parse(HTTPS, caOne));

        assertThat(ChangeSummary.upstream(Optional.of(before), after))
                .isEqualTo("tls JDK trust store -> CA bundle of 1 certificate (CN=Internal CA One)");
    }
}
