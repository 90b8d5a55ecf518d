package dev.portico.domain.model;

import dev.portico.domain.validation.Errors;

import java.io.ByteArrayInputStream;
import java.security.Principal;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the certificates of an upstream's https targets are verified: against the JDK's trusted CAs, or against the
 * upstream's own CA bundle only (like nginx's {@code proxy_ssl_trusted_certificate}): a private CA then vouches for
 * the upstream, and no public CA can stand in for it. Host names are verified either way.
 *
 * @param caPem PEM text of one or more CA (or self-signed server) certificates; empty for the JDK's trusted CAs
 */
public record UpstreamTls(Optional<String> caPem) {
    /** The JDK's trusted CAs: what an upstream without a {@code tls} setting uses. */
    public static final UpstreamTls JDK_TRUST = new UpstreamTls(Optional.empty());
    /** The size of the store's column (V6); far above any CA bundle an upstream needs. */
    public static final int MAX_CA_PEM_LENGTH = 500_000;

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END ([A-Z0-9 ]+)-----", Pattern.DOTALL);

    public UpstreamTls {
        Objects.requireNonNull(caPem, "caPem");
        if (caPem.isPresent() && (caPem.get().isBlank() || caPem.get().length() > MAX_CA_PEM_LENGTH)) {
            throw new IllegalArgumentException("caPem must be PEM text of at most " + MAX_CA_PEM_LENGTH + " characters");
        }
    }

    /** The TLS setting as an operator wrote it. */
    public record TlsSpec(String caPem) {
    }

    /** Checks the setting; errors name {@code tls.caPem}. Null when there were errors. */
    static UpstreamTls parse(TlsSpec spec, Errors errors) {
        String pem = spec.caPem();
        if (pem == null || pem.isBlank()) {
            errors.add("tls.caPem", "is required with tls: the PEM text of the CA certificates that sign the targets'"
                    + " certificates");
            return null;
        }
        if (pem.length() > MAX_CA_PEM_LENGTH) {
            errors.add("tls.caPem", "must be at most " + MAX_CA_PEM_LENGTH + " characters");
            return null;
        }
        try {
            certificates(pem);
        } catch (IllegalArgumentException e) {
            errors.add("tls.caPem", e.getMessage());
            return null;
        }
        return new UpstreamTls(Optional.of(pem));
    }

    public boolean usesJdkTrust() {
        return caPem.isEmpty();
    }

    /** The bundle's certificates in order; empty for the JDK's trusted CAs. */
    public List<X509Certificate> caCertificates() {
        return caPem.map(UpstreamTls::certificates).orElse(List.of());
    }

    /** {@code JDK trust store}, or the subjects of the bundle: for the audit log and logs. */
    public String describe() {
        if (caPem.isEmpty()) {
            return "JDK trust store";
        }
        List<X509Certificate> certificates;
        try {
            certificates = caCertificates();
        } catch (IllegalArgumentException e) {
            // only a bundle that bypassed parse() (a hand-edited row) gets here; a summary must not fail a write
            return "CA bundle (unreadable: " + e.getMessage() + ")";
        }
        return "CA bundle of " + certificates.size() + " certificate" + (certificates.size() == 1 ? "" : "s") + " ("
                + String.join("; ", certificates.stream().map(UpstreamTls::subject).toList())
                + ")";
    }

    /** The subject's distinct name, read through java.security.Principal: the domain depends on java.* only. */
    private static String subject(X509Certificate certificate) {
        Principal subject = certificate.getSubjectX500Principal();
        return subject.getName();
    }

    /**
     * The certificates of a PEM text, in order. Text between the blocks is ignored, as OpenSSL does (bundles often
     * carry comments); any block other than a certificate is refused, a private key above all.
     *
     * @throws IllegalArgumentException saying what is wrong, to be shown to the operator
     */
    static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher block = BLOCK.matcher(pem);
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        while (block.find()) {
            int number = certificates.size() + 1;
            String type = block.group(1);
            if (!type.equals(block.group(3))) {
                throw new IllegalArgumentException("block " + number + " begins as " + type + " but ends as "
                        + block.group(3));
            }
            if (type.contains("PRIVATE KEY")) {
                throw new IllegalArgumentException("holds a private key: send only CA certificates, and keep the key"
                        + " where it is");
            }
            if (!type.equals("CERTIFICATE")) {
                throw new IllegalArgumentException("holds a " + type + " block; only CERTIFICATE blocks are accepted");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(block.group(2).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("certificate " + number + " is not valid base64: " + e.getMessage());
            }
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            } catch (CertificateException | RuntimeException e) {
                throw new IllegalArgumentException("certificate " + number + " is not a valid X.509 certificate");
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("has no -----BEGIN CERTIFICATE----- block: give the PEM text of one or"
                    + " more CA certificates");
        }
        return List.copyOf(certificates);
    }
}
